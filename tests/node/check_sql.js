// Checks SQL against dt-sql-parser's Trino or Spark SQL grammar.
// Usage: node check_sql.js trino|spark FILE
// Prints every syntax error with its line and column and exits 1 if there is
// one; exits 2 on a usage error.
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');
const fs = require('node:fs');

register('./resolve_hooks.mjs', pathToFileURL(__filename));

async function main() {
  const [dialect, file] = process.argv.slice(2);
  if (!['trino', 'spark'].includes(dialect) || !file) {
    console.error('usage: node check_sql.js trino|spark FILE');
    process.exit(2);
  }
  const { TrinoSQL, SparkSQL } = await import('dt-sql-parser');
  const parser = dialect === 'trino' ? new TrinoSQL() : new SparkSQL();
  const sql = fs.readFileSync(file, 'utf8');
  const errors = parser.validate(sql);
  const lines = sql.split('\n');
  const seen = new Set();
  for (const e of errors) {
    const text = `${file}:${e.startLine}:${e.startColumn}: ${e.message}`;
    if (seen.has(text)) continue;  // the grammar reports some errors twice
    seen.add(text);
    console.error(text);
    console.error('  ' + (lines[e.startLine - 1] || ''));
  }
  process.exit(errors.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
