// Reads an Arrow IPC stream or file with the apache-arrow package (an
// independent reader of the format) and prints it as JSON for the tests:
//   node read_arrow.js FILE
//   -> {"file": bool, "schema": [field...], "batches": [rows...], "rows": [[cell...]...]}
// A field is {"name", "type" (apache-arrow's name of the type), "nullable",
// "children"}, and "metadata" when it has some. Cells are rendered from the
// decoded buffers so nothing is lost to JavaScript numbers: integers, dates,
// times, timestamps and durations as decimal strings of their stored value,
// floats as "f:" and the 16 hex digits of the float64, binary as "0x" and
// hex, decimals as exact decimal text, intervals as
// "months,days,nanoseconds", lists and maps as arrays (a map entry as
// [key, value]), structs as objects, null as null.
'use strict';

const fs = require('fs');
const arrow = require('apache-arrow');
const { Type } = arrow;
const { _InternalEmptyPlaceholderRecordBatch: EmptyPlaceholder } = require('apache-arrow/recordbatch');

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function view(typed) {
  return new DataView(typed.buffer, typed.byteOffset, typed.byteLength);
}

function isValid(data, i) {
  if (!data.nullBitmap || data.nullBitmap.length === 0 || data.nullCount === 0) return true;
  const bit = data.offset + i;
  return ((data.nullBitmap[bit >> 3] >> (bit & 7)) & 1) === 1;
}

function decimalText(data, i) {
  const bytes = data.type.bitWidth / 8;
  const dv = view(data.values);
  const at = (data.offset + i) * bytes;
  let v = 0n;
  for (let w = bytes / 8 - 1; w >= 0; --w) v = (v << 64n) | dv.getBigUint64(at + w * 8, true);
  if (v >> BigInt(bytes * 8 - 1)) v -= 1n << BigInt(bytes * 8);  // two's complement
  const negative = v < 0n;
  let digits = (negative ? -v : v).toString();
  const scale = data.type.scale;
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return (negative ? '-' : '') + digits;
}

function bytesOf(data, i) {
  const offsets = data.valueOffsets;
  const start = Number(offsets[data.offset + i]);
  const end = Number(offsets[data.offset + i + 1]);
  return data.values.subarray(start, end);
}

function cell(data, i) {
  if (data.type.typeId === Type.Null || !isValid(data, i)) return null;
  const t = data.type;
  const k = data.offset + i;
  switch (t.typeId) {
    case Type.Bool:
      return ((data.values[k >> 3] >> (k & 7)) & 1) === 1;
    case Type.Int:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return String(data.values[k]);
    case Type.Float: {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, data.values[k]);
      return 'f:' + hex(new Uint8Array(dv.buffer));
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(data, i));
    case Type.Binary:
    case Type.LargeBinary:
      return '0x' + hex(bytesOf(data, i));
    case Type.FixedSizeBinary:
      return '0x' + hex(data.values.subarray(k * t.byteWidth, (k + 1) * t.byteWidth));
    case Type.Decimal:
      return decimalText(data, i);
    case Type.Interval: {
      const dv = view(data.values);
      if (t.unit === arrow.IntervalUnit.MONTH_DAY_NANO) {
        const at = k * 16;
        return `${dv.getInt32(at, true)},${dv.getInt32(at + 4, true)},${dv.getBigInt64(at + 8, true)}`;
      }
      if (t.unit === arrow.IntervalUnit.DAY_TIME) return `0,${dv.getInt32(k * 8, true)},${BigInt(dv.getInt32(k * 8 + 4, true)) * 1000000n}`;
      return `${dv.getInt32(k * 4, true)},0,0`;
    }
    case Type.List:
    case Type.LargeList:
    case Type.Map: {
      const child = data.children[0];
      const out = [];
      for (let j = Number(data.valueOffsets[k]); j < Number(data.valueOffsets[k + 1]); ++j) {
        if (t.typeId === Type.Map) out.push([cell(child.children[0], j), cell(child.children[1], j)]);
        else out.push(cell(child, j));
      }
      return out;
    }
    case Type.FixedSizeList: {
      const out = [];
      for (let j = k * t.listSize; j < (k + 1) * t.listSize; ++j) out.push(cell(data.children[0], j));
      return out;
    }
    case Type.Struct: {
      const out = {};
      t.children.forEach((f, c) => { out[f.name] = cell(data.children[c], k); });
      return out;
    }
    default:
      throw new Error(`read_arrow.js: no rendering for type ${t}`);
  }
}

function field(f) {
  const out = {
    name: f.name,
    type: String(f.type),
    nullable: f.nullable,
    children: (f.type.children || []).map(field),
  };
  if (f.metadata && f.metadata.size > 0) out.metadata = Object.fromEntries(f.metadata);
  return out;
}

const bytes = fs.readFileSync(process.argv[2]);
const reader = arrow.RecordBatchReader.from(bytes);
reader.open();
const out = { file: reader.isFile(), schema: reader.schema.fields.map(field), batches: [], rows: [] };
for (const batch of reader) {
  // A stream without batches reads as one empty placeholder batch; skip it
  // so that the batches listed are the ones in the bytes.
  if (batch instanceof EmptyPlaceholder) continue;
  out.batches.push(batch.numRows);
  const columns = batch.data.children;
  for (let i = 0; i < batch.numRows; ++i) out.rows.push(columns.map((data) => cell(data, i)));
}
// The table API reads the same bytes again: it must agree on the row count.
const table = arrow.tableFromIPC(bytes);
if (table.numRows !== out.rows.length) {
  throw new Error(`tableFromIPC read ${table.numRows} rows, the batch reader ${out.rows.length}`);
}
if (out.file) out.footerBatches = reader.numRecordBatches;
process.stdout.write(JSON.stringify(out));
