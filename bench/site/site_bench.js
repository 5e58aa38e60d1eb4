#!/usr/bin/env node
// The catalog site benchmark: (a) `neuralake site` on a generated catalog of
// many tables with declared schemas (wall time and peak RSS of the process,
// best of --runs), and (b) search latency in headless Chromium: for ~50
// queries (column names, prefixes, description words, tags, two-word
// queries), the time from setting the search box to the results laid out on
// the page (performance.now() inside the page), as p50 / p95 / max over
// --passes runs of the list, and for the first run alone (a reader's first
// searches on a freshly loaded page).
//
// usage: site_bench.js NEURALAKE MANY_TABLES_PLUGIN [--tables N] [--runs N] [--passes N] [--json FILE]
// Targets: site build <= 5 s for 10,000 tables; search p95 <= 50 ms. Exits 1
// when a target is missed.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const harness = require('../../tests/site/site_harness');

const BUILD_TARGET_S = 5;
const SEARCH_P95_TARGET_MS = 50;

function parseArgs(argv) {
  const opts = { tables: 10000, runs: 3, passes: 3, json: null, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--tables') opts.tables = Number(argv[++i]);
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--passes') opts.passes = Number(argv[++i]);
    else if (a === '--json') opts.json = argv[++i];
    else opts.positional.push(a);
  }
  if (opts.positional.length !== 2 || !(opts.tables >= 1) || !(opts.runs >= 1) || !(opts.passes >= 1)) {
    console.error('usage: site_bench.js NEURALAKE MANY_TABLES_PLUGIN [--tables N] [--runs N] [--passes N] [--json FILE]');
    process.exit(2);
  }
  return opts;
}

// One `neuralake site` run under /usr/bin/time: {seconds, peakRssMb}.
function timedSiteBuild(neuralake, plugin, out, env) {
  const timeFile = path.join(os.tmpdir(), `neuralake-site-bench-${process.pid}.time`);
  const result = childProcess.spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile,
    neuralake, '--catalog', plugin, 'site', '--out', out], {
    env: Object.assign({}, process.env, env), encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.error) throw new Error(`could not run /usr/bin/time (Debian package time): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`neuralake site exited with ${result.status}:\n${result.stderr}`);
  const [seconds, kib] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  fs.rmSync(timeFile, { force: true });
  return { seconds, peakRssMb: kib / 1024 };
}

// ~50 queries a reader would type, drawn from the catalog itself.
function queriesFor(data) {
  const tables = harness.tablesOf(data).map((e) => e.table).filter((t) => !t.deprecated && t.columns);
  const pick = (k, n) => tables[Math.floor((tables.length - 1) * ((k * 7919) % n) / n)];
  const queries = [];
  for (let k = 0; k < 15; k++) {                       // exact column names
    const t = pick(k, 15);
    queries.push(t.columns[k % t.columns.length].name);
  }
  for (let k = 0; k < 15; k++) {                       // prefixes of column and table names
    const t = pick(k + 3, 17);
    const name = k % 2 ? t.name : t.columns[(k + 1) % t.columns.length].name;
    queries.push(name.slice(0, 2 + (k % 5)));
  }
  const words = new Set();
  for (const t of tables.slice(0, 200)) {
    for (const w of (t.description || '').split(/[^A-Za-z]+/)) if (w.length >= 4) words.add(w.toLowerCase());
  }
  queries.push(...Array.from(words).slice(0, 10));     // words from descriptions
  const tags = new Set();
  tables.forEach((t) => (t.tags || []).forEach((tag) => tags.add(tag)));
  queries.push(...Array.from(tags).slice(0, 5));        // tags
  for (let k = 0; k < 5; k++) {                        // two words
    const t = pick(k + 11, 5);
    queries.push(`${t.columns[0].name.split('_')[0]} ${t.columns[1].name.split('_').pop()}`);
  }
  return queries;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function searchLatencies(siteDir, queries, passes) {
  const server = await harness.serveDirectory(siteDir);
  const browser = await harness.launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'search', null, { timeout: 120000 });
    // The page's own marks, in ms since the navigation started.
    const [pageMs, readyMs] = await page.evaluate(() => ['catalog-shown', 'search-ready'].map(
      (name) => Math.round(performance.getEntriesByName(name)[0].startTime)));
    const samples = await page.evaluate(({ qs, passes }) => {
      const input = document.getElementById('search');
      const list = document.getElementById('search-results');
      const out = [];
      for (let pass = 0; pass < passes; pass++) for (const q of qs) {
        input.value = '';
        input.dispatchEvent(new Event('input'));
        list.getBoundingClientRect();
        const t0 = performance.now();
        input.value = q;
        input.dispatchEvent(new Event('input'));
        list.getBoundingClientRect();  // results laid out
        out.push({ pass, query: q, ms: performance.now() - t0, results: list.querySelectorAll('.search-result').length });
      }
      return out;
    }, { qs: queries, passes });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { pageMs, readyMs, samples };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const [neuralake, plugin] = opts.positional;
  harness.requireBrowserTools();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'neuralake-site-bench-'));
  const env = { NEURALAKE_WAREHOUSE: path.join(work, 'warehouse'), NEURALAKE_TEST_TABLE_COUNT: String(opts.tables) };
  try {
    console.log(`site benchmark: ${opts.tables} tables with declared schemas, ${opts.runs} builds`);
    const builds = [];
    let siteDir = null;
    for (let r = 0; r < opts.runs; r++) {
      siteDir = path.join(work, `site-${r}`);
      const run = timedSiteBuild(neuralake, plugin, siteDir, env);
      builds.push(run);
      console.log(`  build ${r + 1}: ${run.seconds.toFixed(2)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
    }
    const best = builds.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const dataMb = fs.statSync(path.join(siteDir, 'data.json')).size / 1e6;
    const data = harness.readSiteData(siteDir);
    const queries = queriesFor(data);
    const search = await searchLatencies(siteDir, queries, opts.passes);
    const stats = (samples) => {
      const t = samples.map((s) => s.ms).sort((a, b) => a - b);
      return { n: t.length, p50: percentile(t, 50), p95: percentile(t, 95), max: t[t.length - 1] };
    };
    const { n, p50, p95, max } = stats(search.samples);
    const first = stats(search.samples.filter((s) => s.pass === 0));
    const slowest = search.samples.slice().sort((a, b) => b.ms - a.ms).slice(0, 3)
      .map((s) => `"${s.query}" ${s.ms.toFixed(1)} ms (${s.results} results)`).join(', ');

    const buildOk = best.seconds <= BUILD_TARGET_S;
    const searchOk = p95 <= SEARCH_P95_TARGET_MS;
    console.log('');
    console.log(`neuralake site, ${data.counts.tables} tables: best ${best.seconds.toFixed(2)} s ` +
      `(target <= ${BUILD_TARGET_S} s) ${buildOk ? 'OK' : 'MISSED'}; peak RSS ${best.peakRssMb.toFixed(0)} MB; ` +
      `data.json ${dataMb.toFixed(1)} MB`);
    console.log(`page over http: first view ${search.pageMs} ms, search ready ${search.readyMs} ms`);
    console.log(`search, ${queries.length} queries x ${opts.passes} passes: p50 ${p50.toFixed(1)} ms, ` +
      `p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${n} searches ` +
      `(target p95 <= ${SEARCH_P95_TARGET_MS} ms) ${searchOk ? 'OK' : 'MISSED'}`);
    console.log(`  first pass alone: p50 ${first.p50.toFixed(1)} ms, p95 ${first.p95.toFixed(1)} ms, max ${first.max.toFixed(1)} ms`);
    console.log(`slowest: ${slowest}`);
    console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    if (opts.json) {
      fs.mkdirSync(path.dirname(opts.json), { recursive: true });
      fs.writeFileSync(opts.json, JSON.stringify({
        tables: data.counts.tables, builds, data_json_mb: dataMb, page_ms: search.pageMs,
        search_ready_ms: search.readyMs, search: { p50, p95, max, first_pass: first, samples: search.samples },
      }, null, 2));
    }
    if (!buildOk || !searchOk) process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`site benchmark failed: ${err.stack || err.message}`);
  process.exit(1);
});
