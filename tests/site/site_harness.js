// What the catalog site's browser test and its benchmark share: building a
// site with the CLI, serving it from a loopback static server, and starting
// headless Chromium through playwright-core.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const NODE_TOOLS = path.join(__dirname, '..', 'node');
const CHROMIUM = process.env.NEURALAKE_CHROMIUM || '/usr/bin/chromium';

// playwright-core from tests/node/node_modules; throws naming the fix when
// it is not installed.
function playwright() {
  const modulePath = path.join(NODE_TOOLS, 'node_modules', 'playwright-core');
  if (!fs.existsSync(modulePath)) {
    throw new Error(`playwright-core is not installed in ${path.join(NODE_TOOLS, 'node_modules')}: ` +
      `run \`cd ${NODE_TOOLS} && npm ci\` (or scripts/bootstrap --test)`);
  }
  return require(modulePath);
}

// Throws naming what is missing when Chromium or playwright-core is not installed.
function requireBrowserTools() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: install the Debian package chromium ` +
      '(scripts/bootstrap --test does), or point NEURALAKE_CHROMIUM at a Chromium binary');
  }
  playwright();
}

// Headless Chromium. Throws naming the missing browser or driver.
async function launchBrowser() {
  requireBrowserTools();
  return playwright().chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

// Runs `neuralake --catalog <plugin> <args...>` and returns its stdout;
// throws with its stderr when it exits non-zero.
function runCli(neuralake, plugin, args, env) {
  const result = childProcess.spawnSync(neuralake, ['--catalog', plugin, ...args], {
    env: Object.assign({}, process.env, env || {}),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw new Error(`could not run ${neuralake}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`neuralake ${args.join(' ')} (catalog ${plugin}) exited with ${result.status}:\n${result.stderr}`);
  }
  return result.stdout;
}

// The data.json of a built site, checked to be the same object as data.js.
function readSiteData(dir) {
  const data = JSON.parse(fs.readFileSync(path.join(dir, 'data.json'), 'utf8'));
  const script = fs.readFileSync(path.join(dir, 'data.js'), 'utf8').trim();
  const prefix = 'window.NEURALAKE_CATALOG = ';
  if (!script.startsWith(prefix) || !script.endsWith(';')) {
    throw new Error(`${dir}/data.js does not have the form "${prefix}{...};"`);
  }
  const fromScript = JSON.parse(script.slice(prefix.length, -1));
  if (JSON.stringify(fromScript) !== JSON.stringify(data)) {
    throw new Error(`${dir}/data.js and data.json hold different catalogs`);
  }
  return data;
}

// Every table of a site's data with its catalog and database.
function tablesOf(data) {
  const out = [];
  for (const catalog of data.catalogs) {
    for (const db of catalog.databases) {
      for (const table of db.tables) out.push({ catalog, db, table });
    }
  }
  return out;
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

// A static file server on 127.0.0.1 (a free port) for `root`. A missing file
// gets the 404.html of the first folder below root on its path, with status 404,
// as static hosts do. Resolves to {url, close()}; url ends with '/'.
function serveDirectory(root) {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch (e) {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (rel.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (!err) {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] || 'application/octet-stream' });
        res.end(body);
        return;
      }
      const site = rel.split('/').filter(Boolean)[0] || '';
      fs.readFile(path.join(root, site, '404.html'), (err404, page) => {
        res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(err404 ? 'not found' : page);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

module.exports = { playwright, requireBrowserTools, launchBrowser, runCli, readSiteData, tablesOf, serveDirectory };
