// The catalog site's front end: reads the catalog (docs/catalog-metadata.md;
// data.json over http(s), data.js's window.NEURALAKE_CATALOG from file://),
// routes on the URL hash and searches with MiniSearch. Plain script, no
// modules, so the site works from file:// too.
//
// Safety rule: description_html fields are rendered and escaped by
// `neuralake site` and are the only strings inserted as HTML; every other
// string from the catalog goes in as text.
(function () {
  'use strict';

  var MAX_RESULTS = 50;
  // Catalogs larger than this show their databases collapsed on the home page,
  // each filled in when first opened.
  var COLLAPSE_OVER_TABLES = 400;
  var SNIPPET_LABELS = { cpp: 'C++', cli: 'CLI', rest: 'REST' };

  var catalog = null;         // the object of data.json
  var mainEl = document.getElementById('main');
  var searchInput = document.getElementById('search');
  var resultsEl = document.getElementById('search-results');

  // Whether deprecated tables are listed and searched; set from the home
  // page's URL (#/?deprecated=1) and kept while browsing table pages.
  var showDeprecated = false;
  var entries = [];          // one per table: {id, catalog, db, table}
  var byRoute = new Map();   // table.route -> entry
  var search = null;         // MiniSearch index, built on first need
  var searchBuilt = false;
  var results = [];          // the entries listed under the search box
  var selected = -1;         // index into results of the highlighted one

  // ---- DOM helpers -------------------------------------------------------

  // el('a', {href: '#/', className: 'x'}, 'text', child): children that are
  // strings become text nodes, null/undefined children are skipped.
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        var value = props[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'className') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : value);
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }

  // The one place HTML from the catalog is inserted: description_html, which
  // `neuralake site` renders from Markdown with raw HTML escaped.
  function renderedMarkdown(html, className) {
    var div = el('div', { className: 'markdown' + (className ? ' ' + className : '') });
    div.innerHTML = html || '';
    return div;
  }

  // `name` as text with a line-break opportunity after each '_' and '.', so
  // long snake_case names wrap between words on narrow screens.
  function breakable(name) {
    var parts = String(name).split(/(?<=[_.])/);
    var out = [];
    parts.forEach(function (part, i) {
      if (i) out.push(document.createElement('wbr'));
      out.push(part);
    });
    return out;
  }

  function badge(text, kind, title) {
    return el('span', { className: 'badge' + (kind ? ' badge-' + kind : ''), title: title }, text);
  }

  function plural(n, word) {
    return n.toLocaleString('en-US') + ' ' + word + (n === 1 ? '' : 's');
  }

  // A one-line plain-text summary of a Markdown description, for lists.
  function summary(markdown) {
    if (!markdown) return '';
    var para = markdown.split(/\n\s*\n/)[0];
    return para
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*#>]+/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  }

  // Only links a reader can follow safely get an href.
  function safeUrl(url) {
    var u = String(url || '').trim();
    return /^(https?:|mailto:|\/|#)/i.test(u) ? u : null;
  }

  function routeHref(route) {
    return '#/' + route.split('/').map(encodeURIComponent).join('/');
  }

  function homeHref() {
    return showDeprecated ? '#/?deprecated=1' : '#/';
  }

  // ---- the catalog as entries -------------------------------------------

  function indexCatalog() {
    (catalog.catalogs || []).forEach(function (cat) {
      (cat.databases || []).forEach(function (db) {
        (db.tables || []).forEach(function (table) {
          var entry = { id: entries.length, catalog: cat, db: db, table: table };
          entries.push(entry);
          if (!byRoute.has(table.route)) byRoute.set(table.route, entry);
        });
      });
    });
  }

  // ---- search ------------------------------------------------------------

  // Words are runs of letters and digits: snake_case names are indexed by
  // their parts ("customer_id" -> customer, id), which keeps the vocabulary
  // small enough for fast prefix search. Exact names are ranked first after
  // the search (exactFirst).
  function tokenize(text) {
    return String(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w !== ''; });
  }

  function nestedFieldNames(fields, out) {
    (fields || []).forEach(function (f) {
      if (f.name !== 'element' && f.name !== 'key' && f.name !== 'value') out.push(f.name);
      nestedFieldNames(f.fields, out);
    });
    return out;
  }

  // Four fields per table: its names, its columns (partition and filter
  // columns included), its tags, and its Markdown text. Few fields keep both
  // the index and each search small.
  function searchDocument(entry) {
    var t = entry.table;
    var columns = t.columns || [];
    var columnNames = columns.map(function (c) { return c.name; });
    columns.forEach(function (c) { nestedFieldNames(c.fields, columnNames); });
    (t.partition_columns || []).forEach(function (p) { columnNames.push(p.name); });
    (t.partitions || []).forEach(function (p) { columnNames.push(p.column_name); });
    var text = [t.description || ''];
    columns.forEach(function (c) { if (c.description) text.push(c.description); });
    return {
      id: entry.id,
      name: entry.db.name + ' ' + t.name,
      columns: columnNames.join(' '),
      tags: (t.tags || []).join(' '),
      text: text.join('\n')
    };
  }

  var SEARCH_OPTIONS = {
    boost: { name: 5, columns: 2.5, tags: 2, text: 1 },
    // Only the word being typed (the last) is a prefix; a one-letter prefix
    // would expand to most of the vocabulary.
    prefix: function (term, i, terms) { return i === terms.length - 1 && term.length >= 2; },
    combineWith: 'AND'
  };
  // Tried only when the exact and prefix search finds nothing: typo
  // tolerance costs more than the rest of a search.
  var FUZZY_OPTIONS = Object.assign({}, SEARCH_OPTIONS, {
    fuzzy: function (term) { return term.length >= 4 ? 0.2 : false; },
    maxFuzzy: 2
  });

  function buildSearch() {
    if (typeof window.MiniSearch !== 'function') return null;
    var index = new window.MiniSearch({
      fields: ['name', 'columns', 'tags', 'text'],
      tokenize: tokenize,
      processTerm: function (term) { return term.toLowerCase(); },
      searchOptions: SEARCH_OPTIONS
    });
    index.addAll(entries.map(searchDocument));
    entries.forEach(function (entry) {
      addName(tablesNamed, entry.table.name, entry.id);
      addName(tablesNamed, entry.table.qualified_name, entry.id);
      (entry.table.columns || []).forEach(function (c) { addName(columnsNamed, c.name, entry.id); });
    });
    return index;
  }

  // The index takes a while for a large catalog: it is built once the first
  // page is shown, or when the first search needs it. Null when minisearch.js
  // did not load.
  function ensureSearch() {
    if (!searchBuilt) {
      searchBuilt = true;
      search = buildSearch();
      if (!search) searchInput.placeholder = 'Search unavailable: minisearch.js did not load';
    }
    return search;
  }

  function visible(result) {
    return showDeprecated || !entries[result.id].table.deprecated;
  }

  // Lowercase table names (plain and qualified) and column names -> ids of
  // the entries that have them, for exactFirst.
  var tablesNamed = new Map();
  var columnsNamed = new Map();

  function addName(map, name, id) {
    var key = name.toLowerCase();
    var ids = map.get(key);
    if (!ids) map.set(key, ids = new Set());
    ids.add(id);
  }

  // Moves results whose table, then a column, is named exactly `query` to
  // the front, keeping the search's order otherwise.
  function exactFirst(found, query) {
    var q = query.trim().toLowerCase();
    var tables = tablesNamed.get(q);
    var columns = columnsNamed.get(q);
    if (!tables && !columns) return found;
    var first = [], second = [], rest = [];
    found.forEach(function (r) {
      (tables && tables.has(r.id) ? first : columns && columns.has(r.id) ? second : rest).push(r);
    });
    return first.concat(second, rest);
  }

  // Names, columns and tags are searched first; descriptions only when those
  // find fewer tables than a page of results and the query is not exactly
  // the name of a table or column. A word found in a name ranks above one
  // found in a description, and a common word then costs one field's work
  // instead of two.
  var NAME_FIELDS = ['name', 'columns', 'tags'];

  function runSearch(query) {
    if (!query.trim()) return [];
    if (!ensureSearch()) return [];
    var q = query.trim().toLowerCase();
    var names = tablesNamed.has(q) || columnsNamed.has(q);
    // No filter at all when nothing is hidden: it is called once per match.
    var filter = showDeprecated || !(catalog.counts && catalog.counts.deprecated) ? undefined : visible;
    var found = search.search(query, { filter: filter, fields: NAME_FIELDS });
    if (found.length < MAX_RESULTS && !names) found = search.search(query, { filter: filter });
    if (!found.length) {
      found = search.search(query, Object.assign({ filter: filter }, FUZZY_OPTIONS));
    }
    return exactFirst(found, query).slice(0, MAX_RESULTS).map(function (r) {
      return { entry: entries[r.id], terms: r.terms, match: r.match };
    });
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  // One pattern matching any of `terms` (longest first), or null.
  function termPattern(terms) {
    if (!terms.length) return null;
    return new RegExp(terms.slice().sort(function (a, b) { return b.length - a.length; })
      .map(escapeRegExp).join('|'), 'giu');
  }

  // Appends `text` to `node` as text, with each match of `pattern` wrapped
  // in <mark>.
  function appendHighlighted(node, text, pattern) {
    text = String(text);
    if (!pattern) { node.appendChild(document.createTextNode(text)); return node; }
    pattern.lastIndex = 0;
    var last = 0, m;
    while ((m = pattern.exec(text)) !== null) {
      if (m[0] === '') { pattern.lastIndex++; continue; }
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      node.appendChild(el('mark', null, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  function containsTerm(text, terms) {
    var lower = String(text).toLowerCase();
    return terms.some(function (t) { return lower.indexOf(t) >= 0; });
  }

  // A short excerpt of `text` around the first matched term.
  function excerpt(text, terms, width) {
    var plain = summary(text.replace(/\n/g, ' ')) || '';
    var lower = plain.toLowerCase();
    var at = -1;
    terms.forEach(function (t) {
      var i = lower.indexOf(t);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    if (plain.length <= width) return plain;
    var start = Math.max(0, at - Math.floor(width / 3));
    var cut = plain.slice(start, start + width);
    return (start > 0 ? '…' : '') + cut + (start + width < plain.length ? '…' : '');
  }

  // "address.geo.lat" for the first nested field whose name has a term, or null.
  function nestedMatch(columns, terms) {
    var walk = function (fields, prefix) {
      for (var i = 0; i < (fields || []).length; i++) {
        var f = fields[i];
        var name = prefix + '.' + f.name;
        if (containsTerm(f.name, terms)) return name;
        var inner = walk(f.fields, name);
        if (inner) return inner;
      }
      return null;
    };
    for (var i = 0; i < columns.length; i++) {
      var found = walk(columns[i].fields, columns[i].name);
      if (found) return found;
    }
    return null;
  }

  // The column named exactly `query`, else the one whose name holds the most
  // of `terms` (the first of equals), or undefined.
  function bestColumn(columns, terms, query) {
    var q = query.trim().toLowerCase();
    var best, bestCount = 0;
    for (var i = 0; i < columns.length; i++) {
      var name = columns[i].name.toLowerCase();
      if (name === q) return columns[i];
      var count = 0;
      for (var j = 0; j < terms.length; j++) if (name.indexOf(terms[j]) >= 0) count++;
      if (count > bestCount) { best = columns[i]; bestCount = count; }
    }
    return best;
  }

  // What to show under a result: the part of the table the query matched.
  function resultSnippet(result, pattern, query) {
    var t = result.entry.table;
    var terms = result.terms;
    var fields = {};
    Object.keys(result.match).forEach(function (term) {
      result.match[term].forEach(function (f) { fields[f] = true; });
    });
    var columns = t.columns || [];
    var node = el('span', { className: 'result-snippet' });
    var column;
    if (fields.columns) {
      column = bestColumn(columns, terms, query);
      if (column) {
        node.appendChild(el('span', { className: 'snippet-label' }, 'column '));
        appendHighlighted(node, column.name, pattern);
        node.appendChild(el('span', { className: 'snippet-type' }, ' ' + column.type));
        if (column.description) node.appendChild(document.createTextNode(' — ' + excerpt(column.description, [], 80)));
        return node;
      }
      var nested = nestedMatch(columns, terms);
      if (nested) {
        node.appendChild(el('span', { className: 'snippet-label' }, 'field '));
        return appendHighlighted(node, nested, pattern);
      }
      var partition = (t.partition_columns || []).map(function (p) { return p.name; })
        .concat((t.partitions || []).map(function (p) { return p.column_name; }))
        .find(function (name) { return containsTerm(name, terms); });
      if (partition) {
        node.appendChild(el('span', { className: 'snippet-label' }, 'partition '));
        return appendHighlighted(node, partition, pattern);
      }
    }
    if (fields.tags) {
      node.appendChild(el('span', { className: 'snippet-label' }, 'tags '));
      return appendHighlighted(node, (t.tags || []).join(', '), pattern);
    }
    if (fields.text && !containsTerm(t.description || '', terms)) {
      column = columns.find(function (c) { return c.description && containsTerm(c.description, terms); });
      if (column) {
        node.appendChild(el('span', { className: 'snippet-label' }, column.name + ': '));
        return appendHighlighted(node, excerpt(column.description, terms, 110), pattern);
      }
    }
    return appendHighlighted(node, excerpt(t.description || '', terms, 130), pattern);
  }

  function renderResults(query) {
    // Read before any change, while the layout is clean: a scrollTop read
    // after one would force a layout in the middle of the update.
    if (resultsEl.scrollTop) resultsEl.scrollTop = 0;
    results = runSearch(query);
    selected = results.length ? 0 : -1;
    resultsEl.textContent = '';
    if (!query.trim()) { closeResults(); return; }
    if (!search) {
      resultsEl.appendChild(el('li', { className: 'search-empty' }, 'Search is unavailable: minisearch.js did not load.'));
    } else if (!results.length) {
      resultsEl.appendChild(el('li', { className: 'search-empty' }, 'No tables match “' + query.trim() + '”.'));
    }
    var matched = new Set();
    results.forEach(function (r) { r.terms.forEach(function (term) { matched.add(term); }); });
    var pattern = termPattern(Array.from(matched));
    var fragment = document.createDocumentFragment();
    results.forEach(function (result, i) {
      var t = result.entry.table;
      var link = el('a', { href: routeHref(t.route), tabindex: '-1' },
        appendHighlighted(el('span', { className: 'result-name' }), t.qualified_name, pattern),
        badge(t.table_type, 'kind'),
        t.deprecated ? badge('deprecated', 'deprecated') : null,
        resultSnippet(result, pattern, query));
      fragment.appendChild(el('li', {
        id: 'result-' + i, role: 'option', className: 'search-result',
        'aria-selected': i === selected ? 'true' : 'false', dataset: { index: i }
      }, link));
    });
    resultsEl.appendChild(fragment);
    resultsEl.hidden = false;
    searchInput.setAttribute('aria-expanded', 'true');
    if (selected >= 0) searchInput.setAttribute('aria-activedescendant', 'result-' + selected);
    else searchInput.removeAttribute('aria-activedescendant');
  }

  // `scroll`: bring the selected result into view (keyboard moves).
  function select(i, scroll) {
    if (i === selected) return;
    selected = i;
    updateSelection(scroll);
  }

  function updateSelection(scroll) {
    var items = resultsEl.querySelectorAll('.search-result');
    for (var i = 0; i < items.length; i++) {
      items[i].setAttribute('aria-selected', i === selected ? 'true' : 'false');
    }
    if (selected >= 0 && items[selected]) {
      searchInput.setAttribute('aria-activedescendant', items[selected].id);
      if (scroll) items[selected].scrollIntoView({ block: 'nearest' });
    } else {
      searchInput.removeAttribute('aria-activedescendant');
    }
  }

  function closeResults() {
    resultsEl.hidden = true;
    searchInput.setAttribute('aria-expanded', 'false');
    searchInput.removeAttribute('aria-activedescendant');
  }

  function openSelected() {
    if (selected < 0 || !results[selected]) return;
    var route = results[selected].entry.table.route;
    closeResults();
    searchInput.blur();
    location.hash = routeHref(route);
  }

  function setUpSearch() {
    searchInput.addEventListener('input', function () { renderResults(searchInput.value); });
    searchInput.addEventListener('focus', function () {
      if (searchInput.value.trim()) renderResults(searchInput.value);
    });
    searchInput.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!results.length) return;
        e.preventDefault();
        if (resultsEl.hidden) renderResults(searchInput.value);
        var step = e.key === 'ArrowDown' ? 1 : -1;
        select((selected + step + results.length) % results.length, true);
      } else if (e.key === 'Enter') {
        e.preventDefault();
        openSelected();
      } else if (e.key === 'Escape') {
        if (!resultsEl.hidden) closeResults();
        else { searchInput.value = ''; searchInput.blur(); }
      }
    });
    resultsEl.addEventListener('mousemove', function (e) {
      var item = e.target.closest('.search-result');
      if (item) select(Number(item.dataset.index), false);
    });
    resultsEl.addEventListener('click', function (e) {
      if (e.target.closest('a')) closeResults();
    });
    document.addEventListener('mousedown', function (e) {
      if (!e.target.closest('.search')) closeResults();
    });
    document.addEventListener('keydown', function (e) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) || e.target.isContentEditable;
      if ((e.key === 'k' || e.key === 'K') && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        searchInput.focus();
        searchInput.select();
      } else if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        searchInput.focus();
        searchInput.select();
      }
    });
  }

  // ---- views -------------------------------------------------------------

  function visibleTables(db) {
    return (db.tables || []).filter(function (t) { return showDeprecated || !t.deprecated; });
  }

  function tableListItem(t) {
    return el('li', { className: 'table-item' + (t.deprecated ? ' is-deprecated' : '') },
      el('a', { href: routeHref(t.route) }, t.name),
      badge(t.table_type, 'kind'),
      t.deprecated ? badge('deprecated', 'deprecated') : null,
      t.description ? el('span', { className: 'table-summary' }, summary(t.description)) : null);
  }

  function databaseSection(db, collapsed) {
    var tables = visibleTables(db);
    var hidden = (db.tables || []).length - tables.length;
    var count = plural(tables.length, 'table') + (hidden ? ' (' + hidden + ' deprecated hidden)' : '');
    var list = el('ul', { className: 'table-list' });
    var fill = function () {
      if (list.childElementCount || !tables.length) return;
      var fragment = document.createDocumentFragment();
      tables.forEach(function (t) { fragment.appendChild(tableListItem(t)); });
      list.appendChild(fragment);
    };
    var details = el('details', { className: 'database', open: !collapsed, dataset: { db: db.name } },
      el('summary', null,
        el('h3', { className: 'database-name' }, db.name),
        el('span', { className: 'count' }, count)),
      db.description_html ? renderedMarkdown(db.description_html, 'database-description') : null,
      list);
    if (collapsed) details.addEventListener('toggle', fill);
    else fill();
    return details;
  }

  function renderHome() {
    var counts = catalog.counts || {};
    var catalogs = catalog.catalogs || [];
    var shown = showDeprecated ? counts.tables : counts.tables - (counts.deprecated || 0);
    var toggle = el('input', { type: 'checkbox', id: 'show-deprecated', checked: showDeprecated });
    toggle.addEventListener('change', function () {
      location.hash = toggle.checked ? '#/?deprecated=1' : '#/';
    });
    var view = el('section', { className: 'view home' },
      el('h1', null, catalogs.length === 1 ? catalogs[0].name : 'Data catalog'),
      el('p', { className: 'totals' },
        el('span', { className: 'total-tables' }, plural(counts.tables || 0, 'table')), ' in ',
        el('span', { className: 'total-databases' }, plural(counts.databases || 0, 'database')),
        catalogs.length > 1 ? ' across ' + plural(counts.catalogs || 0, 'catalog') : null,
        counts.deprecated ? ', ' + counts.deprecated.toLocaleString('en-US') + ' deprecated' : null,
        '.'),
      counts.deprecated ? el('label', { className: 'toggle' }, toggle,
        ' Show deprecated tables (' + counts.deprecated.toLocaleString('en-US') + ')') : null);
    if (!showDeprecated && counts.deprecated) {
      view.appendChild(el('p', { className: 'muted' }, plural(shown, 'table') + ' shown.'));
    }
    var collapsed = (counts.tables || 0) > COLLAPSE_OVER_TABLES;
    catalogs.forEach(function (cat) {
      var section = el('section', { className: 'catalog', dataset: { catalog: cat.name } });
      if (catalogs.length > 1) {
        var n = cat.databases.reduce(function (s, d) { return s + (d.tables || []).length; }, 0);
        section.appendChild(el('h2', null, cat.name, ' ', el('span', { className: 'count' },
          plural(cat.databases.length, 'database') + ', ' + plural(n, 'table'))));
      }
      (cat.databases || []).forEach(function (db) { section.appendChild(databaseSection(db, collapsed)); });
      view.appendChild(section);
    });
    show(view, catalogs.length === 1 ? catalogs[0].name : 'Data catalog');
  }

  function fact(dl, term, value) {
    if (value === null || value === undefined || value === '' ||
        (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el('dt', null, term));
    dl.appendChild(el('dd', null, value));
  }

  function codeList(items) {
    return items.map(function (s, i) { return [i ? ', ' : null, el('code', null, s)]; });
  }

  function formatValue(v) {
    return typeof v === 'string' ? v : JSON.stringify(v);
  }

  function typeTree(fields) {
    return el('ul', { className: 'type-tree' }, fields.map(function (f) {
      var label = [el('span', { className: 'field-name' }, f.name), ' ', el('code', { className: 'field-type' }, f.type)];
      if (f.fields && f.fields.length) {
        return el('li', { className: 'field' },
          el('details', { className: 'nested' }, el('summary', null, label), typeTree(f.fields)));
      }
      return el('li', { className: 'field' }, label);
    }));
  }

  function schemaTable(columns) {
    var body = el('tbody');
    columns.forEach(function (c) {
      var type = el('code', { className: 'dtype', title: c.sql_type }, c.type);
      var typeCell = c.fields && c.fields.length
        ? el('details', { className: 'nested' }, el('summary', null, type), typeTree(c.fields))
        : type;
      body.appendChild(el('tr', { dataset: { column: c.name } },
        el('td', { className: 'col-name' }, el('code', null, breakable(c.name)),
          c.partition ? [' ', badge('partition', 'partition')] : null,
          c.computed ? [' ', badge('computed', 'computed', c.expression || '')] : null,
          c.computed && c.expression ? el('div', { className: 'expression' }, '= ', el('code', null, c.expression)) : null),
        el('td', { className: 'col-type' }, typeCell,
          c.sql_type ? el('div', { className: 'sql-type muted' }, c.sql_type) : null),
        el('td', { className: 'col-description' },
          c.description_html ? renderedMarkdown(c.description_html) : null)));
    });
    return el('div', { className: 'table-wrap' },
      el('table', { className: 'schema' },
        el('thead', null, el('tr', null, el('th', null, 'Column'), el('th', null, 'Type'), el('th', null, 'Description'))),
        body));
  }

  function previewTable(preview) {
    return el('div', { className: 'table-wrap' },
      el('table', { className: 'preview' },
        el('thead', null, el('tr', null, preview.columns.map(function (name) { return el('th', null, name); }))),
        el('tbody', null, preview.rows.map(function (row) {
          return el('tr', null, row.map(function (cell) {
            return cell === null ? el('td', { className: 'null' }, 'null') : el('td', null, String(cell));
          }));
        }))));
  }

  function copyWithTextarea(text) {
    var area = el('textarea', { readonly: true, className: 'offscreen', 'aria-hidden': 'true' });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    area.remove();
    if (!ok) throw new Error('copy refused');
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { copyWithTextarea(text); });
    }
    return new Promise(function (resolve) { copyWithTextarea(text); resolve(); });
  }

  function snippetBlock(key, text) {
    var code = el('code', null, text);
    var button = el('button', { type: 'button', className: 'copy', dataset: { snippet: key } }, 'Copy');
    var timer = 0;
    button.addEventListener('click', function () {
      copyText(text).then(function () { button.textContent = 'Copied'; },
        function () {
          button.textContent = 'Select and copy';
          window.getSelection().selectAllChildren(code);
        }).then(function () {
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = 'Copy'; }, 2000);
      });
    });
    return el('div', { className: 'snippet', dataset: { snippet: key } },
      el('div', { className: 'snippet-head' }, el('span', null, SNIPPET_LABELS[key] || key), button),
      el('pre', null, code));
  }

  function renderTable(entry) {
    var t = entry.table;
    var view = el('article', { className: 'view table-page', dataset: { route: t.route } });
    view.appendChild(el('nav', { className: 'crumbs', 'aria-label': 'Breadcrumb' },
      el('a', { href: homeHref() }, entry.catalog.name), ' / ', entry.db.name, ' / ', t.name));
    if (t.deprecated) {
      view.appendChild(el('div', { className: 'banner deprecated-banner', role: 'note' },
        el('strong', null, 'Deprecated. '), 'This table is kept for existing readers; it is hidden from the catalog\'s lists and search.'));
    }
    view.appendChild(el('h1', { className: 'table-title' }, t.qualified_name));
    view.appendChild(el('p', { className: 'badges' }, badge(t.table_type, 'kind', 'provider: ' + t.kind),
      t.deprecated ? badge('deprecated', 'deprecated') : null,
      badge('schema ' + t.schema_source, 'source')));
    if (t.description_html) view.appendChild(renderedMarkdown(t.description_html, 'description'));
    else view.appendChild(el('p', { className: 'muted' }, 'No description.'));

    var dl = el('dl', { className: 'facts' });
    fact(dl, 'Owner', t.owner);
    fact(dl, 'Tags', (t.tags || []).length ? t.tags.map(function (tag) { return badge(tag, 'tag'); }) : null);
    fact(dl, 'Data input', t.data_input);
    fact(dl, 'Latency', t.latency_info);
    fact(dl, 'Unique columns', (t.unique_columns || []).length ? codeList(t.unique_columns) : null);
    fact(dl, 'Location', t.location ? el('code', null, t.location) : null);
    fact(dl, 'Partitioning', t.partitioning);
    fact(dl, 'Schema', t.schema_source);
    fact(dl, 'SQL name', el('code', null, t.qualified_name));
    fact(dl, 'API name', t.api_name ? el('code', null, t.api_name) : null);
    if (t.roapi) {
      fact(dl, 'ROAPI export', t.roapi.exported ? 'exported as ' + t.roapi.name
        : 'not exported' + (t.roapi.skip_reason ? ': ' + t.roapi.skip_reason : ''));
    }
    (t.options || []).forEach(function (o) { fact(dl, o.key, el('code', null, formatValue(o.value))); });
    if (t.delta) {
      fact(dl, 'Delta version', String(t.delta.version));
      fact(dl, 'Last commit', t.delta.last_commit);
      fact(dl, 'Data files', String(t.delta.files));
    } else if (t.delta_error) {
      fact(dl, 'Delta facts', 'unavailable: ' + t.delta_error);
    }
    var links = (t.example_links || []).map(function (link) {
      var href = safeUrl(link.url);
      return el('li', null, href
        ? el('a', { href: href, rel: 'noopener noreferrer', target: '_blank' }, link.label || link.url)
        : el('span', { title: 'link not shown: unsupported address' }, link.label || link.url));
    });
    fact(dl, 'Examples', links.length ? el('ul', { className: 'links' }, links) : null);
    view.appendChild(dl);

    view.appendChild(el('h2', null, 'Schema'));
    if (t.columns) {
      view.appendChild(el('p', { className: 'muted schema-source' },
        plural(t.columns.length, 'column') + ', ' + t.schema_source + '.'));
      view.appendChild(schemaTable(t.columns));
    } else {
      view.appendChild(el('p', { className: 'notice schema-unavailable' },
        'schema unavailable: ' + (t.schema_error || 'unknown reason')));
    }

    if ((t.partitions || []).length) {
      view.appendChild(el('h2', null, 'Example filters'));
      view.appendChild(el('ul', { className: 'filters' }, t.partitions.map(function (p) {
        return el('li', null, el('code', null, p.column_name + ' ' + p.operator + ' ' + formatValue(p.value)),
          p.type_annotation ? el('span', { className: 'muted' }, ' ' + p.type_annotation) : null);
      })));
    }

    if (t.preview) {
      view.appendChild(el('h2', null, 'Preview'));
      view.appendChild(previewTable(t.preview));
    } else if (t.preview_error) {
      view.appendChild(el('h2', null, 'Preview'));
      view.appendChild(el('p', { className: 'notice preview-unavailable' }, 'preview unavailable: ' + t.preview_error));
    }

    var snippets = t.snippets || {};
    var keys = ['cpp', 'cli', 'rest'].filter(function (k) { return snippets[k]; });
    if (keys.length) {
      view.appendChild(el('h2', null, 'Get the data'));
      keys.forEach(function (k) { view.appendChild(snippetBlock(k, snippets[k])); });
    }
    show(view, t.qualified_name);
  }

  function renderNotFound(path) {
    show(el('section', { className: 'view not-found' },
      el('h1', null, 'Not found'),
      el('p', null, 'Nothing in this catalog is at ', el('code', null, '#/' + path), '.'),
      el('p', null, el('a', { href: homeHref() }, 'Back to the catalog'), ' or search above.')), 'Not found');
  }

  function renderError(message) {
    show(el('section', { className: 'view error' }, el('h1', null, 'The catalog could not be shown'),
      el('p', { className: 'notice' }, message)), 'Error');
  }

  function show(view, title) {
    mainEl.textContent = '';
    mainEl.appendChild(view);
    document.title = title;
  }

  // ---- routing -----------------------------------------------------------

  // "#/db/table?deprecated=1" -> {path: "db/table", params}
  function parseHash() {
    var hash = location.hash.replace(/^#\/?/, '');
    var q = hash.indexOf('?');
    var params = new URLSearchParams(q >= 0 ? hash.slice(q + 1) : '');
    var raw = q >= 0 ? hash.slice(0, q) : hash;
    var path;
    try {
      path = raw.split('/').map(decodeURIComponent).join('/');
    } catch (e) {
      path = raw;
    }
    return { path: path.replace(/\/+$/, ''), params: params };
  }

  function route() {
    var r = parseHash();
    closeResults();
    if (r.path === '') {
      showDeprecated = r.params.get('deprecated') === '1';
      renderHome();
    } else if (byRoute.has(r.path)) {
      renderTable(byRoute.get(r.path));
    } else {
      renderNotFound(r.path);
    }
    document.getElementById('brand').setAttribute('href', homeHref());
    window.scrollTo(0, 0);
  }

  // Over http(s), data.json parses several times faster than the same object
  // as a script; a page opened as file:// cannot fetch and reads data.js
  // (window.NEURALAKE_CATALOG) instead. `done` gets the catalog or null.
  function loadCatalog(done) {
    if (window.NEURALAKE_CATALOG) { done(window.NEURALAKE_CATALOG); return; }
    var viaScript = function () {
      var script = document.createElement('script');
      script.src = 'data.js';
      script.onload = function () { done(window.NEURALAKE_CATALOG || null); };
      script.onerror = function () { done(null); };
      document.head.appendChild(script);
    };
    if (/^https?:$/.test(location.protocol) && window.fetch) {
      fetch('data.json')
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
        .then(done, viaScript);
    } else {
      viaScript();
    }
  }

  function start(data) {
    if (!data || !Array.isArray(data.catalogs)) {
      renderError('The catalog data (data.json / data.js) is missing or unreadable; rebuild the site with `neuralake site`.');
      searchInput.disabled = true;
      return;
    }
    catalog = data;
    if (catalog.generator) {
      document.getElementById('footer').textContent = 'Generated by ' + catalog.generator;
    }
    indexCatalog();
    setUpSearch();
    window.addEventListener('hashchange', route);
    route();
    document.documentElement.dataset.ready = 'page';
    // After the first paint: build the search index.
    performance.mark('catalog-shown');
    requestAnimationFrame(function () {
      setTimeout(function () {
        if (ensureSearch()) {
          // Searches before the reader's first, so that it does not pay for
          // compiling the search code.
          var warm = entries.length ? entries[0].table.name : 'a';
          search.search(warm, { fields: NAME_FIELDS });
          search.search(warm);
        }
        performance.mark('search-ready');
        document.documentElement.dataset.ready = 'search';
      }, 0);
    });
  }

  mainEl.appendChild(el('p', { className: 'muted loading' }, 'Loading the catalog…'));
  loadCatalog(start);
})();
