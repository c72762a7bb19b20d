// Baseline: bare node:http doing what the three functions do, with the same response bodies.
const { readArgs, serve } = require('./child-lifecycle.cjs');

/** `?a=1&a=2` as HubSpot's params: every key maps to an array of strings. */
function params(search) {
  const out = {};
  for (const [k, v] of new URLSearchParams(search)) (out[k] ??= []).push(v);
  return out;
}

function json(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const { port } = readArgs();
serve((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (req.method === 'GET' && path === '/_hcms/api/hello') return json(res, 200, { message: 'hello', ok: true });
  if (req.method === 'GET' && path === '/_hcms/api/env') return json(res, 200, { site: process.env.BENCH_SITE });
  if (req.method === 'POST' && path === '/_hcms/api/echo') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return json(res, 400, { message: 'bad JSON' });
      }
      json(res, 200, { query: params(q === -1 ? '' : url.slice(q + 1)), body });
    });
    return undefined;
  }
  return json(res, 404, { message: 'not found' });
}, port);
