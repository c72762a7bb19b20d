// hubspot-functions logs dashboard: the route table with each function's figures, and recent
// invocations of every instance, live over Server-Sent Events, with filters. Plain browser
// JavaScript, no build step, no external assets (issues #6, #15). Every value is written with
// textContent: records hold console output, never trusted as HTML.
(function () {
  'use strict';
  // The page's path without its trailing slashes (a loop: /\/+$/ is quadratic, issue #10).
  var base = location.pathname;
  while (base.charAt(base.length - 1) === '/') base = base.slice(0, -1);
  var MAX_RECORDS = 500;
  var CHART_POINTS = 30;
  var STATS_REFRESH_MS = 15000;
  var records = [];
  var routes = [];
  var stats = null;
  var selectedId = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function endpointOf(record) {
    var e = record.endpoint || '';
    return e.charAt(0) === '/' ? e : '/' + e;
  }
  // The same rule as src/logs/record-filter.ts (outcomeOf): the status filter's categories.
  function outcomeOf(record) {
    if (record.error && record.error.type === 'HSF_TIMEOUT') return 'timeout';
    if (record.statusCode === 429) return '429';
    return record.status === 'SUCCESS' ? 'success' : 'error';
  }
  // A 4xx that HubSpot records as SUCCESS (SPEC R60) is shown amber, not green.
  function statusClass(record) {
    return record.status === 'SUCCESS' && record.statusCode >= 400 ? 'status-4xx' : 'status-' + record.status;
  }
  function ms(value) { return value === null || value === undefined ? '–' : Math.round(value) + ' ms'; }
  function seconds(valueMs) { return (valueMs / 1000).toFixed(valueMs < 10000 ? 1 : 0) + ' s'; }
  function statsFor(functionId) {
    if (!stats) return null;
    for (var i = 0; i < stats.functions.length; i++) if (stats.functions[i].functionId === functionId) return stats.functions[i];
    return null;
  }
  function meter(value, max, label) {
    var m = document.createElement('meter');
    m.min = 0;
    m.max = max;
    m.value = Math.min(value, max);
    m.high = max * 0.8;
    m.optimum = 0;
    m.setAttribute('aria-label', label);
    m.title = label;
    return m;
  }

  function renderBudget() {
    var box = $('budget');
    box.textContent = '';
    if (!stats || !stats.budget) return;
    var budget = stats.budget;
    var span = seconds(budget.windowMs);
    if (budget.accounts.length === 0) {
      box.appendChild(el('span', 'Budget: nothing spent in the last ' + span + ' (' + seconds(budget.budgetMs) + ' per account)', 'muted'));
      return;
    }
    budget.accounts.forEach(function (account) {
      var label = 'account ' + account.accountId + ': ' + seconds(account.usedMs) + ' of ' + seconds(budget.budgetMs) + ' in the last ' + span;
      var gauge = el('span', null, 'gauge');
      gauge.dataset.accountId = String(account.accountId);
      gauge.appendChild(el('span', 'Budget'));
      gauge.appendChild(meter(account.usedMs, budget.budgetMs, label));
      gauge.appendChild(el('span', Math.round((account.usedMs / budget.budgetMs) * 100) + '% · ' + label, 'muted'));
      box.appendChild(gauge);
    });
  }

  function renderRoutes() {
    var body = $('routes').tBodies[0];
    body.textContent = '';
    routes.forEach(function (route) {
      var figures = statsFor(route.id);
      var tr = el('tr');
      tr.dataset.functionId = route.id;
      tr.appendChild(el('td', route.path === null ? '(private) ' + route.name : route.path, 'mono'));
      tr.appendChild(el('td', route.methods.join(', ') || 'invoke'));
      tr.appendChild(el('td', route.file, 'mono muted'));
      tr.appendChild(el('td', route.status + (route.error ? ': ' + route.error : ''), route.status === 'failed' ? 'status-ERROR' : ''));
      tr.appendChild(el('td', figures ? figures.invocations : 0, 'num stat-invocations'));
      tr.appendChild(el('td', figures ? Math.round(figures.errorRate * 100) + '%' : '–', 'num stat-error-rate' + (figures && figures.errors > 0 ? ' status-ERROR' : '')));
      tr.appendChild(el('td', ms(figures && figures.p50), 'num stat-p50'));
      tr.appendChild(el('td', ms(figures && figures.p95), 'num stat-p95'));
      var budgetCell = el('td', null, 'stat-budget');
      if (stats && stats.budget) {
        var used = figures ? figures.budgetUsedMs : 0;
        budgetCell.appendChild(meter(used, stats.budget.budgetMs, seconds(used) + ' of the account\'s ' + seconds(stats.budget.budgetMs) + ' in the last ' + seconds(stats.budget.windowMs)));
      } else {
        budgetCell.textContent = 'off';
      }
      tr.appendChild(budgetCell);
      var chartCell = el('td');
      chartCell.appendChild(chartFor(route.id));
      tr.appendChild(chartCell);
      body.appendChild(tr);
    });
  }

  // A small bar chart of the last execution times of one function, as inline SVG.
  function chartFor(functionId) {
    var ns = 'http://www.w3.org/2000/svg';
    var points = records.filter(function (r) { return r.functionId === functionId; }).slice(-CHART_POINTS);
    var width = CHART_POINTS * 5;
    var height = 24;
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'chart');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('role', 'img');
    var max = points.reduce(function (m, r) { return Math.max(m, r.executionTime); }, 1);
    var title = document.createElementNS(ns, 'title');
    title.textContent = points.length === 0 ? 'no invocations yet' :
      points.length + ' recent invocations, slowest ' + Math.round(max) + ' ms';
    svg.appendChild(title);
    points.forEach(function (r, i) {
      var h = Math.max(1, Math.round((r.executionTime / max) * (height - 2)));
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', String(i * 5));
      rect.setAttribute('y', String(height - h));
      rect.setAttribute('width', '4');
      rect.setAttribute('height', String(h));
      if (r.status !== 'SUCCESS') rect.setAttribute('class', 'bad');
      svg.appendChild(rect);
    });
    return svg;
  }

  function recordRow(record) {
    var tr = el('tr');
    tr.tabIndex = 0;
    tr.dataset.id = record.id;
    tr.dataset.outcome = outcomeOf(record);
    tr.appendChild(el('td', new Date(record.createdAt).toISOString().replace('T', ' ').replace('Z', ''), 'mono'));
    var status = el('td', record.status + ' ' + record.statusCode, statusClass(record));
    if (record.warnings && record.warnings.length) {
      status.appendChild(el('span', '⚠ ' + record.warnings.length, 'warn-badge'));
    }
    tr.appendChild(status);
    tr.appendChild(el('td', record.method));
    tr.appendChild(el('td', endpointOf(record), 'mono'));
    tr.appendChild(el('td', Math.round(record.executionTime) + ' ms'));
    tr.appendChild(el('td', record.memory));
    tr.appendChild(el('td', record.instance || '', 'mono instance'));
    tr.appendChild(el('td', record.id, 'id'));
    tr.addEventListener('click', function () { showDetail(record.id); });
    tr.addEventListener('keydown', function (event) { if (event.key === 'Enter') showDetail(record.id); });
    return tr;
  }

  /** Keeps a select's options in step with the values seen, keeping the choice. */
  function fillSelect(select, values) {
    var chosen = select.value;
    var known = {};
    for (var i = 1; i < select.options.length; i++) known[select.options[i].value] = true;
    var changed = values.length !== select.options.length - 1 || values.some(function (v) { return !known[v]; });
    if (!changed) return;
    while (select.options.length > 1) select.remove(1);
    values.forEach(function (v) {
      var option = el('option', v);
      option.value = v;
      select.appendChild(option);
    });
    select.value = values.indexOf(chosen) === -1 && chosen !== '' ? '' : chosen;
  }

  function distinct(pick) {
    var seen = {};
    var out = [];
    records.forEach(function (r) {
      var v = pick(r);
      if (v && !seen[v]) { seen[v] = true; out.push(v); }
    });
    return out.sort();
  }

  function renderRecords() {
    fillSelect($('filter-endpoint'), distinct(endpointOf));
    fillSelect($('filter-instance'), distinct(function (r) { return r.instance; }));
    var query = $('search').value.trim().toLowerCase();
    var endpoint = $('filter-endpoint').value;
    var outcome = $('filter-status').value;
    var instance = $('filter-instance').value;
    var body = $('records').tBodies[0];
    body.textContent = '';
    var shown = 0;
    for (var i = records.length - 1; i >= 0; i--) {
      var record = records[i];
      if (query && record.id.toLowerCase().indexOf(query) === -1) continue;
      if (endpoint && endpointOf(record) !== endpoint) continue;
      if (outcome && outcomeOf(record) !== outcome) continue;
      if (instance && record.instance !== instance) continue;
      body.appendChild(recordRow(record));
      shown++;
    }
    var filtered = query || endpoint || outcome || instance;
    $('empty').hidden = shown > 0;
    $('empty').textContent = filtered ? 'No invocation matches these filters.' : 'No invocations yet. Call a function and it appears here.';
  }

  function showDetail(id) {
    var record = records.filter(function (r) { return r.id === id; })[0];
    if (!record) return;
    selectedId = id;
    var fields = $('detail-fields');
    fields.textContent = '';
    [
      ['Request id', record.id],
      ['Time', new Date(record.createdAt).toISOString()],
      ['Status', record.status + ' (HTTP ' + record.statusCode + ')'],
      ['Endpoint', record.method + ' ' + endpointOf(record)],
      ['Execution time', Math.round(record.executionTime) + ' ms'],
      ['Memory', record.memory],
      ['Instance', record.instance || ''],
    ].forEach(function (pair) {
      fields.appendChild(el('dt', pair[0]));
      fields.appendChild(el('dd', pair[1], pair[0] === 'Request id' ? 'mono' : ''));
    });
    renderOutbound(record);
    var warnings = record.warnings || [];
    var list = $('detail-warnings');
    list.textContent = '';
    warnings.forEach(function (w) { list.appendChild(el('li', w.code + ': ' + w.message)); });
    $('detail-warnings-block').hidden = warnings.length === 0;
    $('detail-log').textContent = record.log || '(no console output)';
    var error = record.error;
    $('detail-error-block').hidden = !error;
    $('detail-error').textContent = error ? (error.stackTrace && error.stackTrace.length ? error.stackTrace.join('\n') : error.type + ': ' + error.message) : '';
    $('detail').hidden = false;
    $('detail').scrollIntoView({ block: 'nearest' });
  }

  // The invocation's outbound HTTP(S) calls (issue #13): one row each, failures marked.
  function renderOutbound(record) {
    var calls = record.outbound || [];
    var body = $('detail-outbound').tBodies[0];
    body.textContent = '';
    calls.forEach(function (call) {
      var failed = call.error !== undefined || (call.status !== null && call.status >= 400);
      var tr = el('tr', null, failed ? 'outbound-failed' : '');
      tr.appendChild(el('td', call.method));
      var url = el('td', call.url, 'mono wrap');
      if (call.rewrittenTo) url.appendChild(el('div', 'rewritten to ' + call.rewrittenTo, 'muted'));
      tr.appendChild(url);
      var status = call.error !== undefined ? (call.status === null ? 'failed' : call.status + ' failed') : call.status === null ? 'running' : String(call.status);
      var cell = el('td', status, failed ? 'status-ERROR' : call.status === null ? 'muted' : 'status-SUCCESS');
      if (call.error !== undefined) cell.appendChild(el('div', call.error, 'muted wrap'));
      tr.appendChild(cell);
      tr.appendChild(el('td', call.durationMs + ' ms' + (call.status === null && call.error === undefined ? ' so far' : '')));
      body.appendChild(tr);
    });
    var more = record.outboundDropped || 0;
    $('detail-outbound-more').hidden = more === 0;
    $('detail-outbound-more').textContent = more === 0 ? '' : 'and ' + more + ' more calls, not listed';
    $('detail-outbound-block').hidden = calls.length === 0;
  }

  function addRecord(record) {
    records.push(record);
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
    renderRecords();
    renderRoutes();
  }

  function addWarning(id, warning) {
    for (var i = records.length - 1; i >= 0; i--) {
      if (records[i].id !== id) continue;
      records[i].warnings = (records[i].warnings || []).concat([warning]);
      renderRecords();
      if (selectedId === id) showDetail(id);
      return;
    }
  }

  function setStats(next) {
    stats = next;
    renderBudget();
    renderRoutes();
  }

  function setConnection(on) {
    var pill = $('connection');
    pill.className = 'pill ' + (on ? 'pill-on' : 'pill-off');
    pill.textContent = on ? 'live' : 'reconnecting…';
    pill.dataset.state = on ? 'live' : 'reconnecting';
  }

  ['search', 'filter-endpoint', 'filter-status', 'filter-instance'].forEach(function (id) {
    $(id).addEventListener(id === 'search' ? 'input' : 'change', renderRecords);
  });
  $('close-detail').addEventListener('click', function () { $('detail').hidden = true; selectedId = null; });

  // The 5-minute figures age without new records: ask for them now and then.
  setInterval(function () {
    fetch(base + '/api/stats', { credentials: 'same-origin' }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (next) { if (next) setStats(next); }, function () { /* the stream's state shows outages */ });
  }, STATS_REFRESH_MS);

  // Same-origin, so the browser sends the hsf_dashboard cookie (the token, issue #10) by itself.
  // It reconnects by itself after a network error, but not after a refusal (the 503 of too many
  // open streams): then try again a little later.
  function connect() {
    var source = new EventSource(base + '/events');
    source.addEventListener('open', function () { setConnection(true); });
    source.addEventListener('error', function () {
      setConnection(false);
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
    // The first event after (re)connecting carries the routes, the buffered records and the figures.
    source.addEventListener('hello', function (event) {
      var data = JSON.parse(event.data);
      routes = data.routes;
      records = data.records;
      stats = data.stats || null;
      renderRecords();
      renderBudget();
      renderRoutes();
      setConnection(true);
      if (selectedId) showDetail(selectedId);
    });
    source.addEventListener('routes', function (event) {
      routes = JSON.parse(event.data).routes;
      renderRoutes();
    });
    // The shared log of every instance was read: the whole buffer anew.
    source.addEventListener('records', function (event) {
      records = JSON.parse(event.data).records;
      renderRecords();
      renderRoutes();
    });
    source.addEventListener('record', function (event) { addRecord(JSON.parse(event.data)); });
    source.addEventListener('warning', function (event) {
      var data = JSON.parse(event.data);
      addWarning(data.id, data.warning);
    });
    source.addEventListener('stats', function (event) { setStats(JSON.parse(event.data)); });
  }
  connect();
})();
