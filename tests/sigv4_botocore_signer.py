# Signs requests with botocore's S3SigV4Auth, AWS's own Python signer, for the
# differential test of our SigV4 code. One JSON request per stdin line in, one
# JSON line out: {"authorization": ...}. Needs Debian's python3-botocore.
import datetime
import json
import sys
import types
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class FixedClock(datetime.datetime):
    """datetime whose utcnow() is the request's fixed time, so both signers agree on it."""

    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


botocore.auth.datetime = types.SimpleNamespace(datetime=FixedClock)


def sign(r):
    FixedClock.fixed = FixedClock.strptime(r["timestamp"], "%Y%m%dT%H%M%SZ")
    url = r["scheme"] + "://" + r["host"] + quote(r["path"], safe="/~")
    headers = {"Host": r["host"]}
    headers.update({k: v for k, v in r["headers"]})
    request = AWSRequest(
        method=r["method"],
        url=url,
        headers=headers,
        params=[(k, v) for k, v in r["query"]] or None,
        data=bytes.fromhex(r["body_hex"]),
    )
    if r["unsigned_payload"]:
        request.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": False})
    creds = Credentials(r["access_key_id"], r["secret_access_key"], r["session_token"] or None)
    botocore.auth.S3SigV4Auth(creds, "s3", r["region"]).add_auth(request)
    return {"authorization": request.headers["Authorization"]}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(sign(json.loads(line))), flush=True)
