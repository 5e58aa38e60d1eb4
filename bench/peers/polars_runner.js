#!/usr/bin/env node
// Polars in the peer benchmark (nodejs-polars, lazy API): the line protocol of
// runner_protocol.h over the query twins in polars_queries.js.
//
//   node polars_runner.js --data DIR [--engine in-memory|streaming] [--once QID [--check]]
//
// ms is the wall time of building the lazy plan and collectSync() (the result
// materialised as a DataFrame). "in-memory" is collectSync() without an engine
// (Polars' default), "streaming" collectSync({ engine: "streaming" }).
// Threads: Polars reads POLARS_MAX_THREADS at load; the harness sets it.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const dataDir = option("--data", null);
const engine = option("--engine", "in-memory");
const once = option("--once", null);
const onceCheck = process.argv.includes("--check");
if (!dataDir) {
  process.stderr.write("polars_runner.js: --data DIR is required\n");
  process.exit(2);
}
if (engine !== "in-memory" && engine !== "streaming") {
  process.stderr.write(`polars_runner.js: --engine takes in-memory or streaming, got '${engine}'\n`);
  process.exit(2);
}

const pl = require("nodejs-polars");
const queries = require(path.join(__dirname, "polars_queries.js"))(pl);

function scans() {
  return {
    lineitem: pl.scanParquet(`${dataDir}/lineitem.parquet`),
    orders: pl.scanParquet(`${dataDir}/orders.parquet`),
    part: pl.scanParquet(`${dataDir}/part.parquet`),
    supplier: pl.scanParquet(`${dataDir}/supplier.parquet`),
    lineitem_hive: pl.scanParquet(`${dataDir}/lineitem_hive/**/*.parquet`, { hivePartitioning: true }),
  };
}

function statusKb(field) {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) : -1;
}
function resetPeakRss() {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch (e) {
    // not permitted: hwm_kb stays the process-lifetime peak
  }
}

// FNV-1a (32-bit) over the string's bytes; the data is ASCII.
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

// The checksum of runner_protocol.h: per column nulls, sum and (row + 1)-weighted sum.
function checksum(df) {
  const cols = [];
  for (const s of df.getColumns()) {
    const dtype = String(s.dtype.variant);
    let values;
    let kind = "num";
    if (dtype === "Date") {
      values = s.cast(pl.Int32).toArray();
      kind = "date";
    } else if (dtype === "String" || dtype === "Utf8") {
      values = s.toArray();
      kind = "str";
    } else if (dtype === "Bool") {
      values = s.cast(pl.UInt8).toArray();
    } else if (/^(U?Int\d+|Float\d+)$/.test(dtype)) {
      values = s.toArray();
    } else {
      throw new Error(`checksum: column ${s.name} has type ${dtype}, which the checksum does not cover`);
    }
    let nulls = 0;
    let sum = 0;
    let wsum = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        nulls++;
        continue;
      }
      const x = kind === "str" ? fnv1a(v) : Number(v);
      sum += x;
      wsum += (i + 1) * x;
    }
    cols.push({ name: s.name, kind, nulls, sum, wsum });
  }
  return { rows: df.height, cols };
}

function answer(id, withCheck, resetPeak) {
  const q = queries[id];
  if (!q) return { q: id, error: "unknown query" };
  try {
    if (resetPeak) resetPeakRss();
    const t0 = process.hrtime.bigint();
    const lf = q(scans());
    const df = engine === "streaming" ? lf.collectSync({ engine: "streaming" }) : lf.collectSync();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const out = { q: id, ms, rows: df.height, hwm_kb: statusKb("VmHWM"), rss_kb: statusKb("VmRSS") };
    if (withCheck) out.check = checksum(df);
    return out;
  } catch (e) {
    return { q: id, error: String(e && e.message ? e.message : e) };
  }
}

if (once) {
  const out = answer(once, onceCheck, false);
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(out.error ? 1 : 0);
}

process.stdout.write(
  JSON.stringify({
    ready: true,
    engine: `polars (${engine})`,
    version: `nodejs-polars ${pl.version}, node ${process.version}`,
    threads: Number(process.env.POLARS_MAX_THREADS || 0),
  }) + "\n",
);
const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const [id, flag] = line.trim().split(/\s+/);
  if (!id) return;
  if (id === "quit") return rl.close();
  if (id === "ping") {
    pl.DataFrame({ a: [1, 2, 3] }).sum();
    process.stdout.write(JSON.stringify({ pong: true }) + "\n");
    return;
  }
  process.stdout.write(JSON.stringify(answer(id, flag === "check", true)) + "\n");
});
rl.on("close", () => process.exit(0));
