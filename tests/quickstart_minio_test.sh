#!/usr/bin/env bash
# The quickstart with its warehouse on S3 (profile minio, a local S3 server on
# a free loopback port): query_data must print what it prints over a local
# warehouse, apart from the first line, which names the warehouse.
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
server_pid=
cleanup() {
  # The server runs in its own process group (setsid): stop all of it.
  if [[ -n $server_pid ]]; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    # A server caught before its handlers were set may ignore TERM: give it
    # five seconds, then kill the group outright, so the test never hangs.
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cli="$build/apps/neuralake/neuralake"
query="$build/examples/quickstart/query_data"

# Clear inherited settings so only the profile and the endpoint below apply.
unset NEURALAKE_CONFIG NEURALAKE_WAREHOUSE AWS_ENDPOINT_URL_S3 AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
  AWS_SESSION_TOKEN AWS_PROFILE HTTP_PROXY http_proxy HTTPS_PROXY https_proxy
export AWS_EC2_METADATA_DISABLED=true

# The local run, as the reference.
NEURALAKE_ENV=local NEURALAKE_WAREHOUSE="$work/warehouse" "$cli" sample-data > /dev/null
NEURALAKE_ENV=local NEURALAKE_WAREHOUSE="$work/warehouse" "$query" > "$work/local.txt"

# Port 0: the server picks a free port and prints it. The log exists before
# the server starts, so polling it never races the redirection.
: > "$work/server.log"
setsid bash "$source/scripts/local-s3" serve --port 0 --dir "$work/s3" --bucket neuralake > "$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" || true)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $port ]]; then
  echo "local S3 server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

export NEURALAKE_ENV=minio AWS_ENDPOINT_URL="http://127.0.0.1:$port"
"$cli" sample-data > "$work/sample.txt"
grep -q '^wrote s3://' "$work/sample.txt" || { echo "sample-data did not write to s3://:" >&2; cat "$work/sample.txt" >&2; exit 1; }
"$query" > "$work/minio.txt"

head -n 1 "$work/minio.txt" | grep -q "s3://" || { echo "first line does not name an s3:// warehouse:" >&2; head -n 1 "$work/minio.txt" >&2; exit 1; }
if ! cmp -s <(tail -n +2 "$work/local.txt") <(tail -n +2 "$work/minio.txt"); then
  echo "quickstart output over S3 differs from the local run:" >&2
  diff <(tail -n +2 "$work/local.txt") <(tail -n +2 "$work/minio.txt") >&2 || true
  exit 1
fi
echo "quickstart over S3 ($(head -n 1 "$work/minio.txt")) matches the local run"
