#!/usr/bin/env node
// Regenerates the printer goldens from Polars itself: every case in
// tests/golden/printer/cases.json becomes <name>.txt, and the quickstart's
// join/aggregate/window results become tests/golden/quickstart/*.txt.
//
// Setup (once):  cd scripts/goldens && npm ci   (or npm install)
// Run:           node scripts/goldens/make_goldens.js
//
// Each golden file is exactly what console.log(df.toString()) writes: Polars'
// rendering followed by one newline. Polars reads its display settings from
// the environment at every print, so this script clears POLARS_* variables,
// pins the table width to 100 (Polars' width when not writing to a terminal,
// so the output does not depend on where the script runs), and maps each
// case's "options" onto the matching POLARS_* variables.
"use strict";

const fs = require("fs");
const path = require("path");
const pl = require("nodejs-polars");

const root = path.resolve(__dirname, "..", "..");
const printerDir = path.join(root, "tests", "golden", "printer");
const quickstartDir = path.join(root, "tests", "golden", "quickstart");

const OPTION_ENV = {
  max_rows: "POLARS_FMT_MAX_ROWS",
  max_columns: "POLARS_FMT_MAX_COLS",
  max_string_len: "POLARS_FMT_STR_LEN",
  max_list_items: "POLARS_FMT_TABLE_CELL_LIST_LEN",
  table_width: "POLARS_TABLE_WIDTH",
};
const DEFAULT_TABLE_WIDTH = "100";

for (const key of Object.keys(process.env)) {
  if (key.startsWith("POLARS_")) delete process.env[key];
}

const INT_TYPES = {
  i8: pl.Int8, i16: pl.Int16, i32: pl.Int32, i64: pl.Int64,
  u8: pl.UInt8, u16: pl.UInt16, u32: pl.UInt32, u64: pl.UInt64,
};
const TIME_UNITS = { "datetime[ms]": "ms", "datetime[μs]": "us", "datetime[ns]": "ns" };
const UNIT_DIGITS = { ms: 3, us: 6, ns: 9 };

// Days since 1970-01-01 of "YYYY-MM-DD" (proleptic Gregorian, any year).
function epochDays(text) {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a date: ${text}`);
  let y = BigInt(m[1]);
  const mo = BigInt(m[2]);
  const d = BigInt(m[3]);
  // Howard Hinnant's days_from_civil, in BigInt so that no precision is lost.
  y -= mo <= 2n ? 1n : 0n;
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const mp = (mo + 9n) % 12n;
  const doy = (153n * mp + 2n) / 5n + d - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

// "YYYY-MM-DD HH:MM:SS[.fffffffff]" as an integer count of `unit` since the epoch.
function epochUnits(text, unit) {
  const m = /^(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`not a datetime: ${text}`);
  const digits = UNIT_DIGITS[unit];
  const frac = (m[5] || "").padEnd(9, "0");
  if (frac.slice(digits).replace(/0/g, "") !== "") throw new Error(`${text} is finer than ${unit}`);
  const perSecond = 10n ** BigInt(digits);
  const seconds = epochDays(m[1]) * 86400n + BigInt(m[2]) * 3600n + BigInt(m[3]) * 60n + BigInt(m[4]);
  return seconds * perSecond + BigInt(frac.slice(0, digits) || "0");
}

// "HH:MM:SS[.fffffffff]" as nanoseconds since midnight.
function timeNanos(text) {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`not a time: ${text}`);
  const seconds = BigInt(m[1]) * 3600n + BigInt(m[2]) * 60n + BigInt(m[3]);
  return seconds * 1000000000n + BigInt((m[4] || "").padEnd(9, "0"));
}

function floatValue(v) {
  if (v === null || typeof v === "number") return v;
  const special = { NaN: NaN, inf: Infinity, "-inf": -Infinity, "-0.0": -0 };
  if (v in special) return special[v];
  throw new Error(`not a float: ${JSON.stringify(v)}`);
}

const LIST_ELEMENT = { i64: pl.Int64, f64: pl.Float64, str: pl.Utf8, bool: pl.Bool };

// Builds one column with exactly the case's dtype. Some dtypes only come out
// right through a cast from their physical values inside a select.
function buildColumn(col) {
  const { name, dtype, values } = col;
  const mapNull = (f) => values.map((v) => (v === null ? null : f(v)));
  const cast = (series, type) => pl.DataFrame([series]).select(pl.col(name).cast(type)).getColumn(name);
  // BigInt values lose their sign on the way into nodejs-polars, so 64-bit
  // physical values travel as decimal strings and are cast in Polars.
  const fromInt64 = (bigints, type) =>
    pl.DataFrame([pl.Series(name, bigints.map((v) => (v === null ? null : v.toString())), pl.Utf8)])
      .select(pl.col(name).cast(pl.Int64).cast(type))
      .getColumn(name);
  if (dtype in INT_TYPES) return cast(pl.Series(name, mapNull(String), pl.Utf8), INT_TYPES[dtype]);
  if (dtype === "f64") return pl.Series(name, values.map(floatValue), pl.Float64);
  if (dtype === "f32") return pl.Series(name, values.map(floatValue), pl.Float32);
  if (dtype === "str") return pl.Series(name, values, pl.Utf8);
  if (dtype === "bool") return pl.Series(name, values, pl.Bool);
  if (dtype === "date") return cast(pl.Series(name, mapNull((v) => Number(epochDays(v))), pl.Int32), pl.Date);
  if (dtype === "time") return fromInt64(mapNull(timeNanos), pl.Time);
  if (dtype in TIME_UNITS) {
    const unit = TIME_UNITS[dtype];
    return fromInt64(mapNull((v) => epochUnits(v, unit)), pl.Datetime(unit));
  }
  if (dtype === "datetime[μs, UTC]") return fromInt64(mapNull((v) => epochUnits(v, "us")), pl.Datetime("us", "UTC"));
  let m = /^decimal\[(\d+),(\d+)\]$/.exec(dtype);
  if (m) return cast(pl.Series(name, values, pl.Utf8), pl.Decimal(Number(m[1]), Number(m[2])));
  m = /^list\[(\w+)\]$/.exec(dtype);
  if (m && m[1] in LIST_ELEMENT) {
    const items = m[1] === "f64" ? values.map((l) => (l === null ? null : l.map(floatValue))) : values;
    return pl.Series(name, items, pl.List(LIST_ELEMENT[m[1]]));
  }
  throw new Error(`column ${name}: dtype ${dtype} is not supported by this script`);
}

function withOptions(options, print) {
  const env = { POLARS_TABLE_WIDTH: DEFAULT_TABLE_WIDTH };
  for (const [key, value] of Object.entries(options || {})) {
    if (!(key in OPTION_ENV)) throw new Error(`unknown option ${key}`);
    env[OPTION_ENV[key]] = String(value);
  }
  Object.assign(process.env, env);
  try {
    return print();
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
  }
}

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text + "\n");
}

// Every printer case.
const { cases } = JSON.parse(fs.readFileSync(path.join(printerDir, "cases.json"), "utf8"));
const names = new Set();
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`case ${c.name} appears twice`);
  names.add(c.name);
  const df = pl.DataFrame(c.columns.map(buildColumn));
  write(path.join(printerDir, `${c.name}.txt`), withOptions(c.options, () => df.toString()));
}

// The quickstart's tables, and what its later steps compute from them.
const part = pl.DataFrame([
  pl.Series("p_partkey", [1, 2, 3, 4, 5], pl.Int64),
  pl.Series("p_name", [1, 2, 3, 4, 5].map((i) => `Part#${i}`), pl.Utf8),
  pl.Series("p_brand", ["Brand#1", "Brand#2", "Brand#3", "Brand#1", "Brand#2"], pl.Utf8),
  pl.Series("p_retailprice", [10, 20, 30, 40, 50], pl.Float64),
]);
const supplier = pl.DataFrame([
  pl.Series("s_suppkey", [1, 2, 3, 4, 5], pl.Int64),
  pl.Series("s_name", [1, 2, 3, 4, 5].map((i) => `Supplier#${i}`), pl.Utf8),
  pl.Series("s_nationkey", [1, 2, 3, 4, 5].map((i) => i % 3), pl.Int64),
  pl.Series("s_acctbal", [1, 2, 3, 4, 5].map((i) => 100.0 * i), pl.Float64),
]);

const join = part
  .join(supplier, { leftOn: "p_partkey", rightOn: "s_suppkey", how: "inner" })
  .sort("p_partkey");
const aggregate = part
  .groupBy("p_brand")
  .agg(
    pl.len().cast(pl.Int64).alias("n_parts"),
    pl.col("p_retailprice").sum().alias("total_price"),
    pl.col("p_retailprice").mean().alias("avg_price"),
  )
  .sort("p_brand");
const window = part
  .withColumns(
    pl.col("p_retailprice").sum().over("p_brand").alias("brand_total"),
    pl.col("p_retailprice").rank("dense", true).over("p_brand").cast(pl.Int64).alias("brand_rank"),
  )
  .sort("p_partkey");

for (const [name, df] of Object.entries({ join, aggregate, window })) {
  write(path.join(quickstartDir, `${name}.txt`), withOptions({}, () => df.toString()));
}
console.error(`wrote ${cases.length} printer goldens and 3 quickstart goldens`);
