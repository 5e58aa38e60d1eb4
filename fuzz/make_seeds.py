#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into OUT/<target>/.

From the shared Delta test tables (when present): commit files, their add
stats, _last_checkpoint files, checkpoints and data files (whole, and their
footers alone). Generated here: small inputs covering what those tables do
not (actions of every kind, deletion vectors, column mapping, stats of every
kind, filter values of every type, config files). Nothing is written to the
source tree.

usage: make_seeds.py OUT [SHARED_TESTDATA_DELTA]
"""
import hashlib
import json
import os
import struct
import sys


def write(out, target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def from_shared(out, root):
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                data = f.read()
            if name.endswith(".parquet") and len(data) <= 256 * 1024:
                write(out, "parquet_column_fuzz", data)
                write(out, "parquet_footer_fuzz", data)
                if len(data) >= 12 and data[-4:] == b"PAR1":
                    (n,) = struct.unpack("<I", data[-8:-4])
                    if n <= len(data) - 12:
                        write(out, "parquet_footer_fuzz", data[-8 - n:-8])
            elif name == "_last_checkpoint":
                write(out, "last_checkpoint_fuzz", data)
            elif name.endswith(".json") and os.path.basename(dirpath) == "_delta_log":
                write(out, "delta_commit_fuzz", data)
                for line in data.decode(errors="replace").splitlines():
                    try:
                        action = json.loads(line)
                    except ValueError:
                        continue
                    stats = action.get("add", {}).get("stats") if isinstance(action, dict) else None
                    if isinstance(stats, str):
                        write(out, "file_stats_fuzz", stats)


SCHEMA = {
    "type": "struct",
    "fields": [
        {"name": "id", "type": "long", "nullable": True, "metadata": {}},
        {"name": "s", "type": "string", "nullable": True, "metadata": {}},
        {"name": "x", "type": "double", "nullable": True, "metadata": {}},
        {"name": "ts", "type": "timestamp", "nullable": True, "metadata": {}},
        {"name": "d", "type": "date", "nullable": True, "metadata": {}},
        {"name": "p", "type": "integer", "nullable": True, "metadata": {}},
        {"name": "q", "type": "decimal(10,2)", "nullable": True, "metadata": {}},
        {"name": "st", "type": {"type": "struct", "fields": [
            {"name": "a", "type": "integer", "nullable": True, "metadata": {}}]}, "nullable": True, "metadata": {}},
        {"name": "arr", "type": {"type": "array", "elementType": "string", "containsNull": True},
         "nullable": True, "metadata": {}},
        {"name": "m", "type": {"type": "map", "keyType": "string", "valueType": "long",
                               "valueContainsNull": True}, "nullable": True, "metadata": {}},
    ],
}


def mapped_schema():
    fields = []
    for i, f in enumerate(SCHEMA["fields"][:3]):
        f = dict(f)
        f["metadata"] = {"delta.columnMapping.id": i + 1, "delta.columnMapping.physicalName": "col-%d" % i}
        fields.append(f)
    return {"type": "struct", "fields": fields}


def commit(*actions):
    return "".join(json.dumps(a, separators=(",", ":")) + "\n" for a in actions)


def generated(out):
    stats = {"numRecords": 3,
             "minValues": {"id": -5, "s": "a\"b\\u00e9", "x": -1.5e300, "ts": "2024-01-02T03:04:05.123Z",
                           "d": "2024-01-02", "p": 1, "st": {"a": 1}},
             "maxValues": {"id": 9000000000, "s": "zz" * 40, "x": 2.25, "ts": "2024-01-02T03:04:05.123456+01:00",
                           "d": "9999-12-31", "p": 7},
             "nullCount": {"id": 0, "s": 1, "x": 2, "st": {"a": 0}, "arr": 1}}
    meta = {"metaData": {"id": "g", "format": {"provider": "parquet", "options": {}},
                         "schemaString": json.dumps(SCHEMA), "partitionColumns": ["p"],
                         "configuration": {"delta.enableDeletionVectors": "true"}, "createdTime": 1}}
    dv = {"storageType": "i", "pathOrInlineDv": "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
          "sizeInBytes": 40, "cardinality": 6}
    write(out, "delta_commit_fuzz", commit(
        {"commitInfo": {"timestamp": 5, "operation": "WRITE", "inCommitTimestamp": 7,
                        "operationParameters": {"mode": "Append"}}},
        {"protocol": {"minReaderVersion": 3, "minWriterVersion": 7, "readerFeatures": ["deletionVectors"],
                      "writerFeatures": ["deletionVectors"]}},
        meta,
        {"add": {"path": "p=1/a%20b.parquet", "partitionValues": {"p": "1"}, "size": 100,
                 "modificationTime": 2, "dataChange": True, "stats": json.dumps(stats), "deletionVector": dv}},
        {"add": {"path": "p=2/c.parquet", "partitionValues": {"p": None}, "size": 5, "modificationTime": 3,
                 "dataChange": True}},
        {"remove": {"path": "p=2/c.parquet", "deletionTimestamp": 4, "dataChange": True}},
        {"txn": {"appId": "app", "version": 3, "lastUpdated": 9}}))
    mapped = {"metaData": {"id": "c", "format": {"provider": "parquet", "options": {}},
                           "schemaString": json.dumps(mapped_schema()), "partitionColumns": [],
                           "configuration": {"delta.columnMapping.mode": "name"}}}
    write(out, "delta_commit_fuzz", commit(
        {"protocol": {"minReaderVersion": 2, "minWriterVersion": 5}}, mapped,
        {"add": {"path": "x.parquet", "partitionValues": {}, "size": 1, "modificationTime": 1, "dataChange": True,
                 "stats": json.dumps({"numRecords": 1, "minValues": {"col-0": 1}, "maxValues": {"col-0": 2}})}}))
    write(out, "delta_commit_fuzz", commit(
        {"add": {"path": "d=2024-01-03/b.parquet", "partitionValues": {"d": "2024-01-03"}, "size": 3,
                 "modificationTime": 2, "dataChange": True}},
        {"remove": {"path": "d=2024-01-02/a.parquet", "deletionTimestamp": 4, "dataChange": True}}))

    write(out, "file_stats_fuzz", json.dumps(stats))
    write(out, "file_stats_fuzz", json.dumps(
        {"numRecords": 2, "minValues": {"id": 1, "value": -3, "x": 0.1, "name": "\u00e9\\n", "date": "1970-01-01",
                                        "ts": "1969-12-31T23:59:59.999Z", "letter": "a", "number": 0,
                                        "a_float": 1e-310, "col-5f4e": 4},
         "maxValues": {"id": 1000000, "value": 3, "x": 1e308, "name": "x" * 70, "date": "2038-01-19",
                       "ts": "2262-04-11T23:47:16.854Z", "letter": "c", "number": 86400000000,
                       "a_float": -0.0, "col-5f4e": -4},
         "nullCount": {"id": 0, "value": 1, "n": 5, "name": 2}, "tightBounds": True}))

    write(out, "last_checkpoint_fuzz", '{"version":1,"size":2,"parts":1,"sizeInBytes":100,"numOfAddFiles":2}')
    write(out, "last_checkpoint_fuzz", '{"version":0,"size":1}')

    for text in [
        "long\n=\ni42", "integer\nin\ni1\ns2\nd3.0\nu4", "decimal(10,2)\n<\ns12.34\nd1.5\nm-7,1",
        "decimal(38,38)\n>=\nm1,0\ni-1", "date\n!=\ns2024-01-02\nT86400000000\nD-1",
        "timestamp\n<=\ns2024-01-02 03:04:05.123456\nD7", "timestamp_ntz\n>\ns2024-01-02T03:04:05",
        "string\ncontains\nsabc", "boolean\n=\nstrue\nb1", "binary\n=\nyab",
        "double\nnot in\ni9007199254740993\nm5,3", "float\n=\nd0.1", "byte\n=\ni128", "short\nis null",
        '{"type":"array","elementType":"long","containsNull":true}\nincludes any\ni1\ni2',
        '{"type":"array","elementType":"date","containsNull":true}\nincludes\ns2024-02-29',
        '{"type":"map","keyType":"string","valueType":"long","valueContainsNull":true}\n=\nl1,2,3',
    ]:
        write(out, "filter_fuzz", text)

    for text in [
        '[profiles.dev]\nwarehouse = "/tmp/w"\n',
        '[profiles.minio]\nextends = "local"\nwarehouse = "s3://bucket/w"\n"s3.endpoint" = "http://127.0.0.1:9000"\n'
        '"s3.allow_http" = true\n',
        '[profiles.prod]\nwarehouse = "s3://b/p"\n[profiles.prod.s3]\nregion = "eu-west-1"\nendpoint = '
        '"https://s3.example.com:443"\n',
        '[profiles.a]\nextends = "b"\n[profiles.b]\nextends = "a"\n',
        'profiles = { x = { warehouse = "w", "http.no_proxy" = "127.0.0.1" } }\n',
    ]:
        write(out, "config_file_fuzz", text)

    # The API server's REST query strings (ROAPI's syntax and ours) and Accept headers.
    for text in [
        "columns=name,version,release&filter[arch]='amd64'&filter[zone]eq='us-west-2'&sort=-version,release",
        "limit=10&sort=id&columns=id,name&filter[name]='it''s'&page=2",
        "filter[id]gte=0&filter[id]lt=5&filter[price]gt=5.5&filter[amount]lteq=1e3&filter[id]ne=-3",
        "filter[name]in='a','b,c'&filter[id]in=1,2&filter[name]like='ub%25_'&filter[tags]isnull=true",
        "filter[day]gte='2024-01-02'&filter[ts]lt='2024-01-02T03:04:05Z'&filter[tstz]='2024-01-02 03:04:05+01:00'",
        "filter[flag]=true&filter[t]='12:00:00'&filter[u]='6ba7b810-9dad-11d1-80b4-00c04fd430c8'",
        "filter%5Bwe%22i%27rd%5D=%27x%27%27%20OR%201%3D1%20--%27&filter[a]b]gt='z'&sort=+price,%2Bid",
        "offset=5&limit=1&version=3&format=arrow&x=1&&",
        "as_of=2024-01-02T03:04:05.123456%2B01:00&format=ndjson",
    ]:
        write(out, "rest_query_fuzz", text)
    for text in [
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.5",
        "application/vnd.apache.arrow.stream",
        "text/csv;q=0.5, application/parquet;q=0.95, application/x-ndjson;q=0",
        "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2",
        'text/csv; header="present,x"; q=0.5, TEXT/*;Q=0.1',
        "arrow_file",
    ]:
        write(out, "accept_header_fuzz", text)


def main():
    out = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else ""
    if shared and os.path.isdir(shared):
        from_shared(out, shared)
    generated(out)


if __name__ == "__main__":
    main()
