// Baseline: a bare Koa 3 app with @koa/router (and @koa/bodyparser on the POST route).
const Koa = require('koa');
const Router = require('@koa/router');
const { bodyParser } = require('@koa/bodyparser');
const { readArgs, serve } = require('./child-lifecycle.cjs');

/** Koa's query as HubSpot's params (arrays of strings). */
function params(query) {
  const out = {};
  for (const [k, v] of Object.entries(query)) out[k] = Array.isArray(v) ? v.map(String) : [String(v)];
  return out;
}

const { port } = readArgs();
const app = new Koa();
const router = new Router();
router.get('/_hcms/api/hello', (ctx) => {
  ctx.body = { message: 'hello', ok: true };
});
router.post('/_hcms/api/echo', bodyParser(), (ctx) => {
  ctx.body = { query: params(ctx.query), body: ctx.request.body };
});
router.get('/_hcms/api/env', (ctx) => {
  ctx.body = { site: process.env.BENCH_SITE };
});
app.use(router.routes()).use(router.allowedMethods());
serve(app.callback(), port);
