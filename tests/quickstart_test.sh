#!/usr/bin/env bash
# The quickstart end to end: sample data into a fresh warehouse, then
# query_data, whose output must be, byte for byte, the section headers around
# the goldens printed by real Polars (tests/golden/).
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NEURALAKE_WAREHOUSE="$work/warehouse"
"$build/apps/neuralake/neuralake" sample-data > /dev/null
"$build/examples/quickstart/query_data" > "$work/actual.txt"
g="$source/tests/golden"
{
  printf -- "--- Querying 'part' table from %s ---\n\n" "$NEURALAKE_WAREHOUSE"
  cat "$g/printer/quickstart_part.txt"; printf '\n'
  printf -- "--- Federated join: part (Parquet) with supplier (C++ function) on p_partkey = s_suppkey ---\n\n"
  cat "$g/quickstart/join.txt"; printf '\n'
  printf -- "--- Aggregation: parts per brand ---\n\n"
  cat "$g/quickstart/aggregate.txt"; printf '\n'
  printf -- "--- Window: price rank within each brand ---\n\n"
  cat "$g/quickstart/window.txt"
} > "$work/expected.txt"
if ! cmp -s "$work/expected.txt" "$work/actual.txt"; then
  echo "quickstart output differs from the goldens:" >&2
  diff "$work/expected.txt" "$work/actual.txt" >&2 || true
  exit 1
fi
echo "quickstart output matches the Polars goldens"
