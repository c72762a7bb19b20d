// hubspot-functions logs dashboard: the route table and recent invocations, live over
// Server-Sent Events. Plain browser JavaScript, no build step, no external assets (issue #6).
// Every value is written with textContent: records hold console output, never trusted as HTML.
(function () {
  'use strict';
  // The page's path without its trailing slashes (a loop: /\/+$/ is quadratic, issue #10).
  var base = location.pathname;
  while (base.charAt(base.length - 1) === '/') base = base.slice(0, -1);
  var MAX_RECORDS = 500;
  var CHART_POINTS = 30;
  var records = [];
  var routes = [];
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

  function renderRoutes() {
    var body = $('routes').tBodies[0];
    body.textContent = '';
    routes.forEach(function (route) {
      var tr = el('tr');
      tr.dataset.functionId = route.id;
      tr.appendChild(el('td', route.path === null ? '(private) ' + route.name : route.path, 'mono'));
      tr.appendChild(el('td', route.methods.join(', ') || 'invoke'));
      tr.appendChild(el('td', route.file, 'mono muted'));
      tr.appendChild(el('td', route.status + (route.error ? ': ' + route.error : ''), route.status === 'failed' ? 'status-ERROR' : ''));
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
    tr.appendChild(el('td', new Date(record.createdAt).toISOString().replace('T', ' ').replace('Z', ''), 'mono'));
    tr.appendChild(el('td', record.status + ' ' + record.statusCode, 'status-' + record.status));
    tr.appendChild(el('td', record.method));
    tr.appendChild(el('td', endpointOf(record), 'mono'));
    tr.appendChild(el('td', Math.round(record.executionTime) + ' ms'));
    tr.appendChild(el('td', record.memory));
    tr.appendChild(el('td', record.id, 'id'));
    tr.addEventListener('click', function () { showDetail(record.id); });
    tr.addEventListener('keydown', function (event) { if (event.key === 'Enter') showDetail(record.id); });
    return tr;
  }

  function renderRecords() {
    var query = $('search').value.trim().toLowerCase();
    var body = $('records').tBodies[0];
    body.textContent = '';
    var shown = 0;
    for (var i = records.length - 1; i >= 0; i--) {
      var record = records[i];
      if (query && record.id.toLowerCase().indexOf(query) === -1) continue;
      body.appendChild(recordRow(record));
      shown++;
    }
    $('empty').hidden = shown > 0;
    $('empty').textContent = query ? 'No invocation has a request id containing "' + query + '".' : 'No invocations yet. Call a function and it appears here.';
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
    ].forEach(function (pair) {
      fields.appendChild(el('dt', pair[0]));
      fields.appendChild(el('dd', pair[1], pair[0] === 'Request id' ? 'mono' : ''));
    });
    renderOutbound(record);
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

  function setConnection(on) {
    var pill = $('connection');
    pill.className = 'pill ' + (on ? 'pill-on' : 'pill-off');
    pill.textContent = on ? 'live' : 'reconnecting…';
    pill.dataset.state = on ? 'live' : 'reconnecting';
  }

  $('search').addEventListener('input', renderRecords);
  $('close-detail').addEventListener('click', function () { $('detail').hidden = true; selectedId = null; });

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
    // The first event after (re)connecting carries the routes and the buffered records.
    source.addEventListener('hello', function (event) {
      var data = JSON.parse(event.data);
      routes = data.routes;
      records = data.records;
      renderRecords();
      renderRoutes();
      setConnection(true);
      if (selectedId) showDetail(selectedId);
    });
    source.addEventListener('routes', function (event) {
      routes = JSON.parse(event.data).routes;
      renderRoutes();
    });
    source.addEventListener('record', function (event) { addRecord(JSON.parse(event.data)); });
  }
  connect();
})();
