// Decodes a result body of `neuralake serve` in a binary encoding with npm
// readers independent of the server (apache-arrow for Arrow IPC, hyparquet for
// Parquet) and prints it as one JSON object for tests/server_test.cpp:
//   node decode_result.js arrow_stream|arrow_file|parquet FILE
//   -> {"columns": [name...], "rows": [[cell...]...]}
// Integers are printed as decimal strings (64-bit values do not fit a
// JavaScript number), floats as numbers, strings as strings, null as null.
// Exits 1 when the bytes cannot be read in that encoding, 2 on a usage error
// or a missing npm package (naming it and how to install it).
'use strict';

const fs = require('node:fs');

function cell(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function load(name) {
  try {
    return require(name);
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    console.error(`decode_result.js: the npm package '${name}' is missing: run \`npm ci\` in tests/node ` +
                  '(scripts/bootstrap --test)');
    process.exit(2);
  }
}

function decodeArrow(bytes, expectFile) {
  const arrow = load('apache-arrow');
  const reader = arrow.RecordBatchReader.from(bytes);
  reader.open();
  if (reader.isFile() !== expectFile) {
    throw new Error(`expected an Arrow IPC ${expectFile ? 'file' : 'stream'}, read a ${reader.isFile() ? 'file' : 'stream'}`);
  }
  const columns = reader.schema.fields.map((f) => f.name);
  const intColumns = reader.schema.fields.map((f) => arrow.DataType.isInt(f.type));
  const rows = [];
  for (const batch of reader) {
    for (let i = 0; i < batch.numRows; ++i) {
      rows.push(columns.map((_, c) => {
        const v = batch.getChildAt(c).get(i);
        if (v !== null && intColumns[c]) return BigInt(v).toString();
        return cell(v);
      }));
    }
  }
  return { columns, rows };
}

async function decodeParquet(bytes) {
  let hyparquet;
  try {
    hyparquet = await import('hyparquet');
  } catch (e) {
    console.error("decode_result.js: the npm package 'hyparquet' is missing: run `npm ci` in tests/node " +
                  '(scripts/bootstrap --test)');
    process.exit(2);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = hyparquet.parquetMetadata(buffer);
  const columns = metadata.schema.slice(1).map((s) => s.name);
  const intColumns = metadata.schema.slice(1).map((s) => s.type === 'INT32' || s.type === 'INT64');
  const rows = await hyparquet.parquetReadObjects({ file: buffer, utf8: true });
  return {
    columns,
    rows: rows.map((r) => columns.map((name, c) => {
      const v = r[name];
      if (v !== null && v !== undefined && intColumns[c]) return BigInt(v).toString();
      return cell(v);
    })),
  };
}

async function main() {
  const [format, file] = process.argv.slice(2);
  if (!['arrow_stream', 'arrow_file', 'parquet'].includes(format) || !file) {
    console.error('usage: node decode_result.js arrow_stream|arrow_file|parquet FILE');
    process.exit(2);
  }
  const bytes = fs.readFileSync(file);
  const out = format === 'parquet' ? await decodeParquet(bytes) : decodeArrow(bytes, format === 'arrow_file');
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
