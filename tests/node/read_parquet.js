// Reads a Parquet file with hyparquet, a reader independent of DuckDB, and
// prints what it found as one JSON object: the row count, each row group's
// rows and its columns' null counts, and the rows.
// Usage: node read_parquet.js FILE
// Values keep their stored form so a caller can compare them exactly: 64-bit
// integers, times and timestamps as decimal strings of the stored number
// (in the column's unit), dates as days since 1970-01-01, binary as hex.
// Exits 2 on a usage or read error.
const fs = require('node:fs');

const raw = (v) => (v === undefined || v === null ? null : String(v));
const parsers = {
  timestampFromMilliseconds: raw,
  timestampFromMicroseconds: raw,
  timestampFromNanoseconds: raw,
  dateFromDays: (days) => days,
  stringFromBytes: (bytes) => bytes && new TextDecoder('utf-8', { fatal: true }).decode(bytes),
};

function plain(key, value) {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value === undefined) return null;
  return value;
}

async function main() {
  const [file] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node read_parquet.js FILE');
    process.exit(2);
  }
  const { parquetMetadata, parquetReadObjects } = await import('hyparquet');
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(buffer);
  const rows = await parquetReadObjects({ file: buffer, parsers, utf8: false });
  const out = {
    num_rows: Number(metadata.num_rows),
    row_groups: metadata.row_groups.map((g) => ({
      num_rows: Number(g.num_rows),
      columns: g.columns.map((c) => ({
        path: c.meta_data.path_in_schema.join('.'),
        codec: c.meta_data.codec,
        null_count: c.meta_data.statistics ? Number(c.meta_data.statistics.null_count) : null,
      })),
    })),
    rows,
  };
  process.stdout.write(JSON.stringify(out, plain) + '\n');
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
