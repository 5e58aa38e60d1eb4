#!/usr/bin/env node
// The peer benchmark's harness (`make bench-peers`): neuralake, neuralake
// without plan rewrites, raw DuckDB and Polars (in-memory and streaming) on
// the same queries (queries.sql / polars_queries.js) over the same Parquet
// files, each engine one long-lived process speaking runner_protocol.h's
// line protocol.
//
//   node bench/peers/bench_peers.js --data DIR [--bin build/bench] [--runs 9] [--warmup 1]
//        [--fresh 3] [--threads 2] [--queries Q1,Q4] [--engines neuralake,duckdb,...] [--out FILE.json]
//
// Per query: --warmup untimed runs per engine (the first also returns a result
// checksum, compared across engines: a mismatch is reported and makes the exit
// status 1), then --runs timed runs per engine, the engines taking turns run by
// run (the order rotates every run) and each timed run preceded by an untimed
// "ping" statement, so that no engine's timed run is the first statement after
// another engine ran. Then --fresh fresh processes per engine and query
// (`--once`), alternating, for the peak RSS of a process that runs only that
// query. Prints medians with min-max, ratios measured in this same run, sums
// of medians and peak RSS.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn, spawnSync, execSync } = require("child_process");

const ENGINE_IDS = ["neuralake", "neuralake-no-rewrites", "duckdb", "polars", "polars-streaming"];

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
function fail(message) {
  process.stderr.write(`bench_peers: ${message}\n`);
  process.exit(2);
}
function count(name, fallback, min) {
  const text = option(name, String(fallback));
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) fail(`${name} takes an integer >= ${min}, got '${text}'`);
  return n;
}
const known = new Set(["--data", "--bin", "--runs", "--warmup", "--fresh", "--threads", "--queries", "--engines", "--out"]);
for (let i = 2; i < process.argv.length; i += 2)
  if (!known.has(process.argv[i])) fail(`unknown argument '${process.argv[i]}' (see the header of ${__filename})`);

const here = __dirname;
const dataDir = path.resolve(option("--data", "") || fail("--data DIR is required (make bench-peers passes it)"));
const binDir = path.resolve(option("--bin", "build/bench"));
const queriesFile = path.join(here, "queries.sql");
const RUNS = count("--runs", 9, 1);
const WARMUP = count("--warmup", 1, 1);
const FRESH = count("--fresh", 3, 0);
const THREADS = count("--threads", 2, 1);
const outFile = option("--out", null);
const engineIds = (option("--engines", ENGINE_IDS.join(",")) || "").split(",").filter(Boolean);
for (const e of engineIds) if (!ENGINE_IDS.includes(e)) fail(`unknown engine '${e}'; the engines: ${ENGINE_IDS.join(", ")}`);
if (!engineIds.length) fail("--engines names no engine");

// queries.sql headers: "-- @QID ordered|unordered | description"
const allQueries = [];
for (const line of fs.readFileSync(queriesFile, "utf8").split("\n")) {
  const m = /^-- @(\S+)\s+(ordered|unordered)\s*\|\s*(.*)$/.exec(line);
  if (m) allQueries.push({ id: m[1], ordered: m[2] === "ordered", desc: m[3].trim() });
}
const onlyQueries = option("--queries", null);
const queries = onlyQueries ? onlyQueries.split(",").map((id) => allQueries.find((q) => q.id === id) || fail(`unknown query '${id}'; the queries: ${allQueries.map((q) => q.id).join(", ")}`)) : allQueries;

if (!fs.existsSync(path.join(dataDir, ".complete"))) fail(`${dataDir} holds no complete data (run build/bench/neuralake_peers_gen)`);
const dataFacts = JSON.parse(fs.readFileSync(path.join(dataDir, ".complete"), "utf8"));

function engineCommand(id) {
  const native = (bin, ...extra) => [path.join(binDir, bin), "--data", dataDir, "--queries", queriesFile, "--threads", String(THREADS), ...extra];
  const polars = (engine) => [process.execPath, path.join(here, "polars_runner.js"), "--data", dataDir, "--engine", engine];
  switch (id) {
    case "neuralake": return { label: "neuralake", cmd: native("neuralake_peers_neuralake", "--rewrites", "on") };
    case "neuralake-no-rewrites": return { label: "neuralake (no rewrites)", cmd: native("neuralake_peers_neuralake", "--rewrites", "off") };
    case "duckdb": return { label: "raw DuckDB", cmd: native("neuralake_peers_duckdb") };
    case "polars": return { label: "Polars in-memory", cmd: polars("in-memory") };
    case "polars-streaming": return { label: "Polars streaming", cmd: polars("streaming") };
  }
  throw new Error(`no engine ${id}`);
}
const engines = engineIds.map((id) => ({ id, ...engineCommand(id) }));
for (const e of engines)
  if (!fs.existsSync(e.cmd[0]) && e.cmd[0] !== process.execPath) fail(`${e.cmd[0]} is missing: build it first (make bench-peers does)`);
const env = { ...process.env, POLARS_MAX_THREADS: String(THREADS) };

// One long-lived engine process: send a line, await its JSON answer.
function start(engine) {
  const child = spawn(engine.cmd[0], engine.cmd.slice(1), { env, stdio: ["pipe", "pipe", "pipe"] });
  const st = { engine, child, buffer: "", lines: [], waiters: [], stderr: "", exited: false };
  const deliver = (item) => {
    const w = st.waiters.shift();
    if (w) w(item);
    else st.lines.push(item);
  };
  child.stdout.on("data", (d) => {
    st.buffer += d.toString();
    let i;
    while ((i = st.buffer.indexOf("\n")) >= 0) {
      const line = st.buffer.slice(0, i).trim();
      st.buffer = st.buffer.slice(i + 1);
      if (!line) continue;
      try {
        deliver(JSON.parse(line));
      } catch (e) {
        deliver({ error: `not a JSON answer: ${line}` });
      }
    }
  });
  child.stderr.on("data", (d) => (st.stderr += d.toString()));
  st.done = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      st.exited = true;
      while (st.waiters.length) st.waiters.shift()({ error: `exited (${signal || code}): ${st.stderr.trim().slice(-500)}` });
      resolve(code);
    }),
  );
  st.next = () => new Promise((resolve) => (st.lines.length ? resolve(st.lines.shift()) : st.exited ? resolve({ error: `exited: ${st.stderr.trim().slice(-500)}` }) : st.waiters.push(resolve)));
  st.send = (line) => {
    if (!st.exited) st.child.stdin.write(line + "\n");
    return st.next();
  };
  return st;
}

function close(a, b) {
  if (a === b) return true;
  const diff = Math.abs(a - b);
  return diff <= 1e-6 || diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}
function compareChecks(q, ref, other) {
  const problems = [];
  if (ref.rows !== other.rows) problems.push(`rows ${ref.rows} vs ${other.rows}`);
  if (ref.cols.length !== other.cols.length) return [...problems, `${ref.cols.length} columns vs ${other.cols.length}`];
  ref.cols.forEach((c, i) => {
    const o = other.cols[i];
    if (c.name !== o.name) problems.push(`column ${i + 1} named ${c.name} vs ${o.name}`);
    if (c.nulls !== o.nulls) problems.push(`${c.name}: ${c.nulls} nulls vs ${o.nulls}`);
    if (!close(c.sum, o.sum)) problems.push(`${c.name}: sum ${c.sum} vs ${o.sum}`);
    if (q.ordered && !close(c.wsum, o.wsum))
      problems.push(`${c.name}: position-weighted sum ${c.wsum} vs ${o.wsum}` + (close(c.sum, o.sum) ? " (same values, another order)" : ""));
  });
  return problems;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const sh = (cmd) => {
  try {
    return execSync(cmd, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch (e) {
    return "";
  }
};

function machine() {
  const cpu = (/model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8")) || [])[1] || "unknown CPU";
  return {
    date: new Date().toISOString(),
    cores: os.cpus().length,
    cpu,
    mem_gib: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    load_average: os.loadavg().map((x) => Number(x.toFixed(2))),
    kernel: os.release(),
    node: process.version,
  };
}

async function main() {
  const t0 = Date.now();
  const results = {
    machine: machine(), threads: THREADS, runs: RUNS, warmup: WARMUP, fresh: FRESH, data: { dir: dataDir, ...dataFacts,
      lineitem_parquet_bytes: fs.statSync(path.join(dataDir, "lineitem.parquet")).size },
    engines: {}, queries: {}, mismatches: [],
  };
  const say = (s) => process.stderr.write(s + "\n");

  const sts = engines.map(start);
  for (const st of sts) {
    const ready = await st.next();
    if (!ready.ready) throw new Error(`${st.engine.label} did not start: ${JSON.stringify(ready)}`);
    results.engines[st.engine.id] = { label: st.engine.label, version: ready.version, command: st.engine.cmd.join(" ") };
    say(`${st.engine.label}: ${ready.engine} ${ready.version || ""}`);
  }

  for (const q of queries) {
    const r = (results.queries[q.id] = { desc: q.desc, ordered: q.ordered, engines: {}, verify: {} });
    const checks = {};
    let active = [...sts];
    for (let w = 0; w < WARMUP; w++) {
      for (const st of [...active]) {
        const out = await st.send(w === 0 ? `${q.id} check` : q.id);
        if (out.error) {
          results.mismatches.push(`${q.id}: ${st.engine.label} failed: ${out.error}`);
          say(`!! ${q.id}: ${st.engine.label} FAILED: ${out.error}`);
          active = active.filter((x) => x !== st);
          continue;
        }
        if (w === 0) checks[st.engine.id] = out.check;
        r.engines[st.engine.id] ??= { rows: out.rows, warmup_ms: [], ms: [], hwm_kb: [], fresh_kb: [] };
        r.engines[st.engine.id].warmup_ms.push(out.ms);
      }
    }
    const refId = checks.duckdb ? "duckdb" : Object.keys(checks)[0];
    for (const [id, check] of Object.entries(checks)) {
      if (id === refId) continue;
      const problems = compareChecks(q, checks[refId], check);
      r.verify[id] = problems.length ? problems : "ok";
      if (problems.length) {
        const msg = `${q.id}: ${results.engines[id].label} differs from ${results.engines[refId].label}: ${problems.join("; ")}`;
        results.mismatches.push(msg);
        say(`!! RESULT MISMATCH ${msg}`);
      }
    }
    r.checksum_reference = refId;
    r.checksum = checks[refId];
    for (let i = 0; i < RUNS; i++) {
      for (const st of rotate(active, i)) {
        await st.send("ping");
        const out = await st.send(q.id);
        if (out.error) throw new Error(`${st.engine.label} ${q.id}: ${out.error}`);
        r.engines[st.engine.id].ms.push(out.ms);
        r.engines[st.engine.id].hwm_kb.push(out.hwm_kb);
      }
    }
    say(`${q.id}: ` + active.map((st) => `${st.engine.label} ${median(r.engines[st.engine.id].ms).toFixed(1)} ms`).join(" | "));
  }
  for (const st of sts) {
    if (!st.exited) st.child.stdin.end("quit\n");
    await st.done;
  }

  // Peak RSS of a fresh process that runs one query (VmHWM at its end).
  for (const q of queries) {
    const r = results.queries[q.id];
    for (let c = 0; c < FRESH; c++) {
      for (const e of rotate(engines, c)) {
        if (!r.engines[e.id]) continue;
        const p = spawnSync(e.cmd[0], [...e.cmd.slice(1), "--once", q.id], { env, encoding: "utf8", maxBuffer: 1 << 24 });
        const last = (p.stdout || "").trim().split("\n").pop();
        let out;
        try {
          out = JSON.parse(last);
        } catch (err) {
          out = { error: `exit ${p.status}: ${(p.stderr || "").trim().slice(-300)}` };
        }
        if (out.error) throw new Error(`${e.label} fresh ${q.id}: ${out.error}`);
        r.engines[e.id].fresh_kb.push(out.hwm_kb);
      }
    }
  }
  if (FRESH) say("fresh-process peak RSS measured");
  results.total_s = (Date.now() - t0) / 1000;

  const table = render(results);
  process.stdout.write(table);
  if (outFile) {
    fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
    fs.writeFileSync(outFile, JSON.stringify(results, null, 1) + "\n");
    say(`results written to ${outFile}`);
  }
  if (results.mismatches.length) {
    say(`\n!! ${results.mismatches.length} RESULT PROBLEM(S):\n!!   ` + results.mismatches.join("\n!!   "));
    process.exit(1);
  }
}

function render(res) {
  const ids = Object.keys(res.engines);
  const label = (id) => res.engines[id].label;
  const f = (x) => (!Number.isFinite(x) ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "–");
  const med = (r, id) => (r.engines[id] && r.engines[id].ms.length ? median(r.engines[id].ms) : NaN);
  const polarsIds = ids.filter((id) => id.startsWith("polars"));
  const bestPolars = (r) => Math.min(...polarsIds.map((id) => med(r, id)).filter(Number.isFinite));
  const ratioCols = [];
  if (ids.includes("neuralake") && ids.includes("duckdb")) ratioCols.push(["neuralake / DuckDB", (r) => ratio(med(r, "neuralake"), med(r, "duckdb"))]);
  if (ids.includes("neuralake") && polarsIds.length) ratioCols.push(["neuralake / best Polars", (r) => ratio(med(r, "neuralake"), bestPolars(r))]);
  if (ids.includes("neuralake-no-rewrites") && ids.includes("duckdb"))
    ratioCols.push(["no rewrites / DuckDB", (r) => ratio(med(r, "neuralake-no-rewrites"), med(r, "duckdb"))]);

  const L = [];
  const m = res.machine;
  L.push("");
  L.push(`Peer benchmark: ${res.data.lineitem} lineitem rows (SF ${res.data.sf}; orders ${res.data.orders}, part ${res.data.part}, supplier ${res.data.supplier}), ${(res.data.lineitem_parquet_bytes / 2 ** 20).toFixed(0)} MB lineitem.parquet.`);
  L.push(`Machine: ${m.cores} cores (${m.cpu}), ${m.mem_gib} GiB, load average ${m.load_average.join(" ")} at start; ${res.threads} threads per engine; node ${m.node}.`);
  L.push(`Engines: ` + ids.map((id) => `${label(id)} (${res.engines[id].version})`).join("; ") + ".");
  L.push("");
  L.push(`Wall time of one query in a warm process, ms: median [min–max] of ${res.runs} runs after ${res.warmup} warm-up, engines alternating run by run, each run after an untimed ping. Ratio < 1: neuralake faster.`);
  L.push("");
  const head = ["query", "rows", ...ids.map(label), ...ratioCols.map((c) => c[0]), "results"];
  L.push("| " + head.join(" | ") + " |");
  L.push("|" + head.map((_, i) => (i < 2 ? "---" : "---:")).join("|") + "|");
  for (const [qid, r] of Object.entries(res.queries)) {
    const rows = r.engines[r.checksum_reference] ? r.engines[r.checksum_reference].rows : "–";
    const cells = [qid, String(rows)];
    for (const id of ids) {
      const e = r.engines[id];
      cells.push(e && e.ms.length ? `${f(median(e.ms))} [${f(Math.min(...e.ms))}–${f(Math.max(...e.ms))}]` : "failed");
    }
    for (const [, fn] of ratioCols) cells.push(fn(r));
    const bad = Object.entries(r.verify).filter(([, v]) => v !== "ok");
    const failed = ids.filter((id) => !r.engines[id]);
    cells.push(bad.length || failed.length ? `**MISMATCH** (${[...bad.map(([id]) => label(id)), ...failed.map(label)].join(", ")})` : "equal");
    L.push("| " + cells.join(" | ") + " |");
  }
  const total = (id) => Object.values(res.queries).reduce((a, r) => a + med(r, id), 0);
  const sumRow = ["**sum of medians**", "", ...ids.map((id) => `**${f(total(id))}**`)];
  const sumRatios = { "neuralake / DuckDB": ratio(total("neuralake"), total("duckdb")),
    "neuralake / best Polars": ratio(total("neuralake"), Math.min(...polarsIds.map(total))),
    "no rewrites / DuckDB": ratio(total("neuralake-no-rewrites"), total("duckdb")) };
  for (const [name] of ratioCols) sumRow.push(`**${sumRatios[name]}**`);
  sumRow.push("");
  L.push("| " + sumRow.join(" | ") + " |");
  if (ids.includes("polars")) {
    L.push("");
    L.push("Sum of medians vs Polars in-memory (its default engine): " +
      ids.filter((id) => id !== "polars").map((id) => `${label(id)} ${ratio(total(id), total("polars"))}`).join(", ") + ".");
  }
  if (res.fresh) {
    L.push("");
    L.push(`Peak RSS of a fresh process running one query (VmHWM at exit: start-up, setup, the query), MB, median of ${res.fresh}:`);
    L.push("");
    const h2 = ["query", ...ids.map(label)];
    L.push("| " + h2.join(" | ") + " |");
    L.push("|" + h2.map((_, i) => (i ? "---:" : "---")).join("|") + "|");
    for (const [qid, r] of Object.entries(res.queries))
      L.push("| " + [qid, ...ids.map((id) => (r.engines[id] && r.engines[id].fresh_kb.length ? (median(r.engines[id].fresh_kb) / 1024).toFixed(0) : "–"))].join(" | ") + " |");
  }
  L.push("");
  L.push(`Whole run: ${(res.total_s / 60).toFixed(1)} min (${res.total_s.toFixed(0)} s).`);
  L.push("");
  return L.join("\n");
}

main().catch((e) => {
  process.stderr.write(`bench_peers: ${e.stack || e}\n`);
  process.exit(1);
});
