#!/usr/bin/env node
// The catalog site in headless Chromium. Builds the site of the quickstart
// catalog and of a generated catalog of many tables with `neuralake site`,
// then drives both, from a loopback static server and from file://: search
// by column name (Enter and click), schema rows against the catalog, copy
// buttons, nested types, shared links, the not-found view, the deprecated
// toggle, markup in documentation shown as text, console errors, and
// screenshots at desktop and phone widths (written to ARTIFACT_DIR). Then,
// over the server only: previews (--preview), the notices of a table without
// data, Delta facts (--with-table-facts) and 404.html.
//
// usage: site_browser_test.js NEURALAKE QUICKSTART_PLUGIN MANY_TABLES_PLUGIN DELTA_PLUGIN ARTIFACT_DIR
// NEURALAKE_TEST_TABLE_COUNT sets the size of the generated catalog (default
// 10000); NEURALAKE_SHARED_DIR is the shared folder with testdata/delta/.
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const harness = require('./site_harness');

const [neuralake, quickstartPlugin, manyPlugin, deltaPlugin, artifactDir] = process.argv.slice(2);
if (!artifactDir) {
  console.error('usage: site_browser_test.js NEURALAKE QUICKSTART_PLUGIN MANY_TABLES_PLUGIN DELTA_PLUGIN ARTIFACT_DIR');
  process.exit(2);
}
const tableCount = Number(process.env.NEURALAKE_TEST_TABLE_COUNT || 10000);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };

function log(message) {
  console.log(`[${(process.uptime()).toFixed(1)}s] ${message}`);
}

// ---- the catalogs' own facts ---------------------------------------------

// "schema:" lines of `neuralake describe db.table`: [[name, dtype], ...].
function describedSchema(plugin, qualifiedName, env) {
  const out = harness.runCli(neuralake, plugin, ['describe', qualifiedName], env);
  const lines = out.split('\n');
  const start = lines.indexOf('schema:');
  assert.ok(start >= 0, `describe ${qualifiedName} printed no schema:\n${out}`);
  return lines.slice(start + 1).filter((l) => l.startsWith('  ')).map((l) => {
    const m = /^\s+(\S+)\s+(.+?)\s*$/.exec(l);
    return [m[1], m[2]];
  });
}

function columnPairs(table) {
  return (table.columns || []).map((c) => [c.name, c.type]);
}

function checkQuickstartData(data, env) {
  const tables = harness.tablesOf(data);
  assert.deepStrictEqual(tables.map((e) => e.table.qualified_name).sort(), ['tpch.part', 'tpch.supplier']);
  for (const { table } of tables) {
    assert.ok(table.columns, `${table.qualified_name}: no columns in data.json (${table.schema_error})`);
    assert.deepStrictEqual(columnPairs(table), describedSchema(quickstartPlugin, table.qualified_name, env),
      `${table.qualified_name}: data.json columns differ from neuralake describe`);
  }
  const part = tables.find((e) => e.table.name === 'part').table;
  assert.deepStrictEqual(part.columns.map((c) => c.name), ['p_partkey', 'p_name', 'p_brand', 'p_retailprice']);
}

// The generated catalog's rules (tests/plugins/many_tables_catalog.cpp):
// table i is named <noun>_<word>_<i> and its first column <name>_key (i64);
// every 40th (i % 40 == 39) is deprecated; every 7th has a struct `address`
// {street, city, geo {lat, lon}} and a list `labels`; every 11th a map
// `attributes`; every 5th the partition columns day and region; every 9th the
// computed column <name>_key_plus_one. Its files do not exist, so the schema
// must come from the declaration alone.
function checkManyData(data, env) {
  const tables = harness.tablesOf(data);
  assert.strictEqual(data.counts.tables, tableCount + 1, 'counts.tables');
  assert.strictEqual(tables.length, tableCount + 1, 'tables in data.json');
  let deprecated = 0;
  for (let i = 0; i < tableCount; i++) if (i % 40 === 39) deprecated++;
  assert.strictEqual(data.counts.deprecated, deprecated, 'counts.deprecated');
  const seen = new Set();
  for (const { table } of tables) {
    if (table.name === 'xss_probe') continue;
    const i = Number(table.name.slice(table.name.lastIndexOf('_') + 1));
    seen.add(i);
    const what = table.qualified_name;
    const column = (name) => table.columns.find((c) => c.name === name);
    assert.strictEqual(table.schema_source, 'declared', `${what}: schema_source`);
    assert.strictEqual(table.deprecated, i % 40 === 39, `${what}: deprecated`);
    assert.deepStrictEqual([table.columns[0].name, table.columns[0].type], [`${table.name}_key`, 'i64'], `${what}: key column`);
    const address = column('address');
    assert.strictEqual(Boolean(address), i % 7 === 0, `${what}: address column`);
    if (address) {
      assert.deepStrictEqual(address.fields.map((f) => f.name), ['street', 'city', 'geo'], `${what}: address fields`);
      assert.deepStrictEqual(address.fields[2].fields.map((f) => f.name), ['lat', 'lon'], `${what}: address.geo fields`);
      assert.deepStrictEqual(column('labels').fields.map((f) => [f.name, f.type]), [['element', 'str']], `${what}: labels`);
    }
    const attributes = column('attributes');
    assert.strictEqual(Boolean(attributes), i % 11 === 0, `${what}: attributes column`);
    if (attributes) assert.deepStrictEqual(attributes.fields.map((f) => f.name), ['key', 'value'], `${what}: map fields`);
    assert.deepStrictEqual(table.columns.filter((c) => c.partition).map((c) => c.name),
      i % 5 === 0 ? ['day', 'region'] : [], `${what}: partition columns`);
    const computed = table.columns.filter((c) => c.computed);
    assert.deepStrictEqual(computed.map((c) => [c.name, c.expression]),
      i % 9 === 0 ? [[`${table.name}_key_plus_one`, `${table.name}_key + 1`]] : [], `${what}: computed columns`);
  }
  assert.strictEqual(seen.size, tableCount, 'every generated table once');
  // One table as `neuralake describe --json` shows it on its own.
  const sample = tables[Math.floor(tables.length / 3)].table;
  const described = JSON.parse(harness.runCli(neuralake, manyPlugin, ['describe', '--json', sample.qualified_name], env));
  assert.deepStrictEqual(sample.columns, described.columns, `${sample.qualified_name}: data.json columns differ from describe --json`);
}

// ---- the browser -----------------------------------------------------------

// Records console errors and warnings, page errors and dialogs of `page`.
function watch(page, problems, label) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${label}: console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${label}: page error: ${err.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`${label}: a ${dialog.type()} dialog opened: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  return page;
}

async function openSite(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'search', null, { timeout: 60000 });
}

async function heading(page) {
  return (await page.locator('main h1').first().textContent()).trim();
}

async function expectTablePage(page, table, how) {
  await page.waitForFunction((route) => {
    const view = document.querySelector('.table-page');
    return view && view.dataset.route === route;
  }, table.route, { timeout: 10000 });
  const hash = await page.evaluate(() => decodeURIComponent(location.hash));
  assert.strictEqual(hash, `#/${table.route}`, `${how}: URL hash`);
  assert.strictEqual(await heading(page), table.qualified_name, `${how}: heading`);
}

async function search(page, query) {
  await page.fill('#search', query);
  await page.waitForSelector('#search-results:not([hidden])');
  return page.$$eval('#search-results .result-name', (nodes) => nodes.map((n) => n.textContent));
}

// The schema table's rows as [name, dtype].
async function schemaRows(page) {
  return page.$$eval('table.schema tbody tr', (rows) => rows.map((r) => [
    r.querySelector('.col-name code').textContent,
    r.querySelector('.col-type .dtype').textContent,
  ]));
}

async function checkSearchAndSchema(page, target, column, how) {
  const names = await search(page, column);
  assert.strictEqual(names[0], target.qualified_name, `${how}: first result for "${column}"`);
  const marked = await page.$$eval('#search-results .search-result:first-child mark', (m) => m.length);
  assert.ok(marked > 0, `${how}: no highlighted match in the first result for "${column}"`);
  const first = await page.$eval('#search-results .search-result:first-child', (li) => ({
    kind: li.querySelector('.badge-kind').textContent,
    snippet: li.querySelector('.result-snippet').textContent,
  }));
  assert.strictEqual(first.kind, target.table_type, `${how}: kind badge of the first result`);
  assert.ok(first.snippet.includes(column), `${how}: the first result's snippet "${first.snippet}" does not show ${column}`);
  await page.press('#search', 'Enter');
  await expectTablePage(page, target, `${how}: Enter on "${column}"`);
  assert.deepStrictEqual(await schemaRows(page), columnPairs(target), `${how}: schema rows of ${target.qualified_name}`);
}

async function checkClickResult(page, target, column, how) {
  const names = await search(page, column);
  const index = names.indexOf(target.qualified_name);
  assert.ok(index >= 0, `${how}: ${target.qualified_name} not among the results for "${column}": ${names.join(', ')}`);
  await page.click(`#search-results .search-result:nth-child(${index + 1}) a`);
  await expectTablePage(page, target, `${how}: click on a result for "${column}"`);
  assert.ok(await page.$eval('#search-results', (r) => r.hidden), `${how}: results stay open after the click`);
}

// "/", Ctrl-K, arrow keys: the second result opens with ArrowDown + Enter.
async function checkKeyboard(page, query, how) {
  const blur = () => page.evaluate(() => document.activeElement.blur());
  await blur();
  await page.keyboard.press('/');
  assert.strictEqual(await page.evaluate(() => document.activeElement.id), 'search', `${how}: "/" focuses search`);
  await blur();
  await page.keyboard.press('Control+k');
  assert.strictEqual(await page.evaluate(() => document.activeElement.id), 'search', `${how}: Ctrl-K focuses search`);
  const names = await search(page, query);
  assert.ok(names.length >= 2, `${how}: "${query}" should find at least two tables`);
  await page.keyboard.press('ArrowDown');
  const selected = await page.$eval('#search-results [aria-selected="true"] .result-name', (n) => n.textContent);
  assert.strictEqual(selected, names[1], `${how}: ArrowDown selects the second result`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((name) => {
    const h = document.querySelector('.table-page h1');
    return h && h.textContent === name;
  }, names[1]);
}

async function checkCopy(page, table, viaServer, how) {
  for (const key of ['cpp', 'cli', 'rest']) {
    const button = page.locator(`button.copy[data-snippet="${key}"]`);
    await button.click();
    await page.waitForFunction((k) => document.querySelector(`button.copy[data-snippet="${k}"]`).textContent === 'Copied', key);
    if (viaServer) {
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.strictEqual(copied, table.snippets[key], `${how}: clipboard after copying the ${key} snippet`);
    }
  }
}

async function checkNested(page, table, how) {
  const row = page.locator(`table.schema tr[data-column="address"]`);
  assert.ok(!(await row.locator('.type-tree .field-name').first().isVisible()), `${how}: nested fields shown before opening`);
  await row.locator('.col-type > details > summary').click();
  const visibleNames = async () => row.locator('.type-tree .field-name').evaluateAll(
    (nodes) => nodes.filter((n) => n.checkVisibility()).map((n) => n.textContent));
  assert.deepStrictEqual(await visibleNames(), ['street', 'city', 'geo'], `${how}: fields of address`);
  await row.locator('.type-tree details > summary').first().click();
  assert.deepStrictEqual(await visibleNames(), ['street', 'city', 'geo', 'lat', 'lon'], `${how}: fields of address.geo`);
  const labels = page.locator(`table.schema tr[data-column="labels"] .col-type > details > summary`);
  await labels.click();
  const element = await page.locator(`table.schema tr[data-column="labels"] .type-tree .field-name`).first().textContent();
  assert.strictEqual(element, 'element', `${how}: the list column's element`);
  assert.ok(table.columns.some((c) => c.name === 'labels'));
}

async function checkNotFound(page, base, how) {
  await page.goto(`${base}#/no_such_db/no_such_table`);
  await page.waitForSelector('.view.not-found');
  assert.strictEqual(await heading(page), 'Not found', `${how}: unknown route`);
  const home = await page.getAttribute('.not-found a', 'href');
  assert.ok(home === '#/' || home === '#/?deprecated=1', `${how}: not-found links home, got ${home}`);
}

async function checkDeprecated(page, deprecated, how) {
  const column = deprecated.columns[0].name;
  let names = await search(page, column);
  assert.ok(!names.includes(deprecated.qualified_name), `${how}: deprecated ${deprecated.qualified_name} found by search`);
  await page.keyboard.press('Escape');
  await page.goto(page.url().replace(/#.*$/, '') + '#/');
  await page.waitForSelector('.view.home');
  const db = deprecated.route.split('/')[0];
  const listed = async () => {
    const section = page.locator(`details.database[data-db="${db}"]`);
    if (!(await section.evaluate((d) => d.open))) await section.locator('summary').click();
    await section.locator('.table-item').first().waitFor();
    return section.locator('.table-item > a').allTextContents();
  };
  assert.ok(!(await listed()).includes(deprecated.name), `${how}: deprecated table listed by default`);
  await page.check('#show-deprecated');
  await page.waitForFunction(() => location.hash === '#/?deprecated=1');
  assert.ok((await listed()).includes(deprecated.name), `${how}: deprecated table not listed with the toggle on`);
  names = await search(page, column);
  assert.strictEqual(names[0], deprecated.qualified_name, `${how}: deprecated table not found with the toggle on`);
  await page.press('#search', 'Enter');
  await expectTablePage(page, deprecated, `${how}: deprecated table`);
  assert.ok(await page.isVisible('.deprecated-banner'), `${how}: no deprecated banner`);
}

async function checkXss(page, base, how) {
  await page.goto(`${base}#/security/xss_probe`);
  await page.waitForSelector('.table-page');
  await page.waitForTimeout(300);
  const facts = await page.evaluate(() => ({
    scripts: Array.from(document.querySelectorAll('script')).map((s) => s.getAttribute('src')),
    images: document.querySelectorAll('img').length,
    handlers: Array.from(document.querySelectorAll('*')).filter((e) => Array.from(e.attributes).some((a) => /^on/i.test(a.name))).length,
    jsLinks: Array.from(document.querySelectorAll('a[href]')).filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length,
    descriptionLinks: Array.from(document.querySelectorAll('.description a')).map((a) => a.getAttribute('href')),
    description: document.querySelector('.description').textContent,
    owner: Array.from(document.querySelectorAll('.facts dt')).find((dt) => dt.textContent === 'Owner').nextElementSibling.textContent,
  }));
  for (const src of facts.scripts) {
    assert.ok(['minisearch.js', 'app.js', 'data.js'].includes(src), `${how}: unexpected script element ${src}`);
  }
  assert.strictEqual(facts.images, 0, `${how}: an <img> element was created from the documentation`);
  assert.strictEqual(facts.handlers, 0, `${how}: an element carries an on* attribute`);
  assert.strictEqual(facts.jsLinks, 0, `${how}: a javascript: link has an href`);
  assert.ok(facts.descriptionLinks.every((h) => h === null || /^(https?:|mailto:|\/|#)/.test(h)), `${how}: description links ${facts.descriptionLinks}`);
  assert.ok(facts.description.includes('<script>alert(1)</script>'), `${how}: the script markup is not shown as text`);
  assert.ok(facts.description.includes('<img src=x onerror=alert(1)>'), `${how}: the img markup is not shown as text`);
  assert.strictEqual(facts.owner, '<img src=x onerror=alert(2)>', `${how}: owner shown as text`);
  const names = await search(page, 'xss_probe');
  assert.strictEqual(names[0], 'security.xss_probe', `${how}: search for the probe`);
  assert.strictEqual(await page.evaluate(() => document.querySelectorAll('img, #search-results script').length), 0,
    `${how}: markup created by the search results`);
  await page.keyboard.press('Escape');
}

// The preview table of `table` (built with --preview) as data.json has it.
async function checkPreview(page, base, table, how) {
  assert.ok(table.preview && table.preview.rows.length > 0, `${how}: ${table.qualified_name} has no preview in data.json`);
  await page.goto(`${base}#/${table.route}`);
  await expectTablePage(page, table, `${how}: preview`);
  const shown = await page.$eval('table.preview', (t) => ({
    head: Array.from(t.querySelectorAll('thead th')).map((th) => th.textContent),
    rows: Array.from(t.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.cells).map((td) => td.textContent)),
  }));
  assert.deepStrictEqual(shown.head, table.preview.columns, `${how}: preview header of ${table.qualified_name}`);
  assert.deepStrictEqual(shown.rows, table.preview.rows.map((r) => r.map((c) => (c === null ? 'null' : c))),
    `${how}: preview rows of ${table.qualified_name}`);
}

// The quickstart built without sample data: part says why it has no schema
// and no preview; supplier (a function table) still has both.
async function checkNoData(browser, base, data) {
  const how = 'quickstart without data';
  const problems = [];
  const page = watch(await browser.newPage({ viewport: DESKTOP }), problems, how);
  const tables = harness.tablesOf(data).map((e) => e.table);
  const part = tables.find((t) => t.name === 'part');
  assert.strictEqual(part.columns, null, `${how}: part has columns`);
  assert.ok(part.schema_error && part.preview_error, `${how}: part has no schema_error or preview_error`);
  await openSite(page, `${base}#/${part.route}`);
  await expectTablePage(page, part, how);
  assert.strictEqual(await page.textContent('.schema-unavailable'), `schema unavailable: ${part.schema_error}`, `${how}: schema notice`);
  assert.strictEqual(await page.textContent('.preview-unavailable'), `preview unavailable: ${part.preview_error}`, `${how}: preview notice`);
  assert.strictEqual(await page.locator('table.schema').count(), 0, `${how}: a schema table without columns`);
  await checkPreview(page, base, tables.find((t) => t.name === 'supplier'), how);
  await page.close();
  assert.deepStrictEqual(problems, [], `${how}: console errors, page errors or dialogs`);
  log(`${how}: all checks passed`);
}

// The facts of --with-table-facts: lake.events shows the version and active
// file count of delta-rs's simple_table (its EXPECTED.json); lake.parts, with
// no Delta log, says why it has none.
async function checkDelta(browser, base, data, expected) {
  const how = 'Delta catalog';
  const problems = [];
  const page = watch(await browser.newPage({ viewport: DESKTOP }), problems, how);
  const tables = harness.tablesOf(data).map((e) => e.table);
  const events = tables.find((t) => t.name === 'events');
  const latest = expected.versions.find((v) => v.version === expected.latest_version);
  assert.deepStrictEqual([events.delta.version, events.delta.files], [expected.latest_version, latest.num_active_files],
    `${how}: delta facts of lake.events in data.json`);
  const facts = async () => page.$$eval('.facts dt', (dts) => Object.fromEntries(
    dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  await openSite(page, `${base}#/${events.route}`);
  await expectTablePage(page, events, how);
  const shown = await facts();
  assert.strictEqual(shown['Delta version'], String(expected.latest_version), `${how}: version`);
  assert.strictEqual(shown['Data files'], String(latest.num_active_files), `${how}: data files`);
  assert.strictEqual(shown['Last commit'], events.delta.last_commit, `${how}: last commit`);
  assert.strictEqual(await page.textContent('.badge-kind'), 'DELTA_LAKE', `${how}: kind badge`);
  const parts = tables.find((t) => t.name === 'parts');
  assert.ok(parts.delta === null && parts.delta_error, `${how}: lake.parts has delta facts or no delta_error`);
  await page.goto(`${base}#/${parts.route}`);
  await expectTablePage(page, parts, how);
  assert.strictEqual((await facts())['Delta facts'], `unavailable: ${parts.delta_error}`, `${how}: missing facts`);
  await page.close();
  assert.deepStrictEqual(problems, [], `${how}: console errors, page errors or dialogs`);
  log(`${how}: all checks passed`);
}

// A path the static server does not have: its 404.html, linking home. The
// browser reports the 404 status of the page itself as a console error; any
// other message is a problem.
async function checkMissingPath(browser, url, how) {
  const problems = [];
  const page = watch(await browser.newPage(), problems, `${how} 404.html`);
  const response = await page.goto(url);
  assert.strictEqual(response.status(), 404, `${how}: status of ${url}`);
  assert.strictEqual(await heading(page), 'Not found', `${how}: 404.html heading`);
  assert.strictEqual(await page.getAttribute('a#home', 'href'), '/', `${how}: 404.html links home`);
  await page.close();
  const own = problems.filter((p) => !/console error: Failed to load resource: .*404/.test(p));
  assert.ok(problems.length <= 1, `${how}: 404.html: ${problems.join('; ')}`);
  assert.deepStrictEqual(own, [], `${how}: 404.html console errors, page errors or dialogs`);
}

// Neither page nor any table wider than the viewport makes the page scroll sideways.
async function checkNoSideScroll(page, how) {
  const [scrollWidth, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollWidth <= width, `${how}: page scrolls sideways (${scrollWidth}px wide at ${width}px)`);
}

// Home and a table page at desktop, then phone width (one page load).
async function screenshots(browser, base, name, table, problems) {
  const context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
  const page = watch(await context.newPage(), problems, `${name} screenshots`);
  await openSite(page, `${base}#/`);
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    await page.goto(`${base}#/`);
    await page.waitForSelector('.view.home');
    await checkNoSideScroll(page, `${name} home at ${size} width`);
    await page.screenshot({ path: path.join(artifactDir, `${name}-home-${size}.png`) });
    await page.goto(`${base}#/${table.route}`);
    await page.waitForSelector('.table-page');
    await checkNoSideScroll(page, `${name} ${table.qualified_name} at ${size} width`);
    await page.screenshot({ path: path.join(artifactDir, `${name}-table-${size}.png`), fullPage: true });
  }
  await context.close();
}

// All checks on one built site, loaded from `base` (http:// or file://).
async function checkSite(browser, site, base, viaServer) {
  const how = `${site.name} over ${viaServer ? 'http' : 'file://'}`;
  const problems = [];
  const context = await browser.newContext({ viewport: DESKTOP });
  if (viaServer) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base).origin });
  const page = watch(await context.newPage(), problems, how);

  // A shared link: the page opened fresh at a table's address.
  await openSite(page, `${base}#/${site.other.route}`);
  await expectTablePage(page, site.other, `${how}: shared link`);

  await page.goto(`${base}#/`);
  await page.waitForSelector('.view.home');
  assert.strictEqual(await page.textContent('.total-tables'), `${site.data.counts.tables.toLocaleString('en-US')} table${site.data.counts.tables === 1 ? '' : 's'}`, `${how}: table total`);
  assert.strictEqual(await page.locator('details.database').count(), site.data.counts.databases, `${how}: databases on home`);

  await checkSearchAndSchema(page, site.target, site.column, how);
  await checkClickResult(page, site.other, site.otherColumn, how);
  await checkKeyboard(page, site.keyboardQuery, how);
  await page.goto(`${base}#/${site.target.route}`);
  await page.waitForSelector('.table-page');
  await checkCopy(page, site.target, viaServer, how);
  if (site.nested) {
    await page.goto(`${base}#/${site.nested.route}`);
    await expectTablePage(page, site.nested, `${how}: nested`);
    await checkNested(page, site.nested, how);
  }

  await checkNotFound(page, base, how);
  if (site.deprecated) await checkDeprecated(page, site.deprecated, how);
  if (site.xss) await checkXss(page, base, how);
  for (const table of site.previews || []) await checkPreview(page, base, table, how);
  await context.close();
  assert.deepStrictEqual(problems, [], `${how}: console errors, page errors or dialogs`);
  log(`${how}: all checks passed`);
}

// The shared test data is read-only; its copies must be removable.
function makeWritable(dir) {
  fs.chmodSync(dir, fs.statSync(dir).mode | 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else fs.chmodSync(p, fs.statSync(p).mode | 0o600);
  }
}

async function main() {
  harness.requireBrowserTools();
  fs.mkdirSync(artifactDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'neuralake-site-test-'));
  const env = { NEURALAKE_WAREHOUSE: path.join(work, 'warehouse'), NEURALAKE_TEST_TABLE_COUNT: String(tableCount) };
  let server = null;
  let browser = null;
  try {
    harness.runCli(neuralake, quickstartPlugin, ['sample-data'], env);
    const quickstartDir = path.join(work, 'quickstart');
    harness.runCli(neuralake, quickstartPlugin, ['site', '--out', quickstartDir, '--preview', '3'], env);
    // The quickstart without its sample data: part has neither schema nor preview.
    const noDataDir = path.join(work, 'nodata');
    harness.runCli(neuralake, quickstartPlugin, ['site', '--out', noDataDir, '--preview', '3'],
      Object.assign({}, env, { NEURALAKE_WAREHOUSE: path.join(work, 'empty-warehouse') }));
    log('quickstart site built');
    const manyDir = path.join(work, 'many');
    harness.runCli(neuralake, manyPlugin, ['site', '--out', manyDir], env);
    log(`site of ${tableCount} tables built`);
    // Delta facts: delta-rs's simple_table as lake.events (tests/plugins/delta_catalog.cpp);
    // the plugin's other Delta tables are left missing.
    const deltaData = path.join(process.env.NEURALAKE_SHARED_DIR || '', 'testdata', 'delta', 'simple_table');
    assert.ok(process.env.NEURALAKE_SHARED_DIR && fs.existsSync(deltaData),
      `NEURALAKE_SHARED_DIR must name the shared folder with testdata/delta/simple_table (got ${process.env.NEURALAKE_SHARED_DIR})`);
    const deltaWarehouse = path.join(work, 'delta-warehouse');
    fs.cpSync(deltaData, path.join(deltaWarehouse, 'events'), { recursive: true });
    makeWritable(deltaWarehouse);
    const deltaDir = path.join(work, 'delta');
    harness.runCli(neuralake, deltaPlugin, ['site', '--out', deltaDir, '--with-table-facts'],
      Object.assign({}, env, { NEURALAKE_WAREHOUSE: deltaWarehouse }));
    const deltaExpected = JSON.parse(fs.readFileSync(path.join(deltaData, 'EXPECTED.json'), 'utf8'));

    const quickstart = harness.readSiteData(quickstartDir);
    checkQuickstartData(quickstart, env);
    const many = harness.readSiteData(manyDir);
    checkManyData(many, env);
    log('data.json matches the catalogs');

    const qsTables = harness.tablesOf(quickstart).map((e) => e.table);
    const manyTables = harness.tablesOf(many).map((e) => e.table);
    const live = manyTables.filter((t) => !t.deprecated && t.name !== 'xss_probe');
    const withAddress = live.filter((t) => t.columns.some((c) => c.name === 'address'));
    const nested = withAddress[Math.min(withAddress.length - 1, 20)];
    const other = live[Math.floor(live.length * 0.7)];
    const sites = [
      {
        name: 'quickstart', dir: quickstartDir, data: quickstart,
        target: qsTables.find((t) => t.name === 'part'), column: 'p_retailprice',
        other: qsTables.find((t) => t.name === 'supplier'), otherColumn: 's_acctbal',
        keyboardQuery: 'tpch',
        previews: qsTables,
      },
      {
        name: 'many', dir: manyDir, data: many,
        target: nested, column: nested.columns[0].name,
        other, otherColumn: other.columns[0].name,
        keyboardQuery: 'customer',
        nested,
        deprecated: manyTables.find((t) => t.deprecated),
        xss: true,
      },
    ];

    server = await harness.serveDirectory(work);
    browser = await harness.launchBrowser();
    for (const site of sites) {
      const httpBase = `${server.url}${site.name}/index.html`;
      await checkSite(browser, site, httpBase, true);
      await checkSite(browser, site, `file://${site.dir}/index.html`, false);
      const shotProblems = [];
      await screenshots(browser, httpBase, site.name, site.nested || site.target, shotProblems);
      assert.deepStrictEqual(shotProblems, [], `${site.name}: console errors, page errors or dialogs in the screenshots`);
      await checkMissingPath(browser, `${server.url}${site.name}/no/such/page`, site.name);
    }
    await checkNoData(browser, `${server.url}nodata/index.html`, harness.readSiteData(noDataDir));
    await checkDelta(browser, `${server.url}delta/index.html`, harness.readSiteData(deltaDir), deltaExpected);
    log(`screenshots in ${artifactDir}`);
    console.log('site browser test passed');
  } finally {
    if (browser) await browser.close();
    if (server) await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`site browser test FAILED: ${err.stack || err.message}`);
  process.exit(1);
});
