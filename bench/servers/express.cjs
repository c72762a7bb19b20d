// Baseline: a bare Express 5 app with one route per function (express.json() on the POST route).
const express = require('express');
const { readArgs, serve } = require('./child-lifecycle.cjs');

/** Express's query as HubSpot's params (arrays of strings). */
function params(query) {
  const out = {};
  for (const [k, v] of Object.entries(query)) out[k] = Array.isArray(v) ? v.map(String) : [String(v)];
  return out;
}

const { port } = readArgs();
const app = express();
app.get('/_hcms/api/hello', (req, res) => res.json({ message: 'hello', ok: true }));
app.post('/_hcms/api/echo', express.json(), (req, res) => res.json({ query: params(req.query), body: req.body }));
app.get('/_hcms/api/env', (req, res) => res.json({ site: process.env.BENCH_SITE }));
serve(app, port);
