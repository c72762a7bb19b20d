// How the middleware sits in real apps: under a path, after body parsers, beside @koa/router,
// under koa-mount; projects and hsmeta folders; broken folders; options that change the answer.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import express4 from 'express4';
import express5 from 'express5';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import mount from 'koa-mount';
import request from 'supertest';
import { hubspotFunctions as expressFunctions } from '../../adapters/express';
import { hubspotFunctions as koaFunctions } from '../../adapters/koa';
import { createFunctionsHost, type FunctionsWarning, type LogRecord } from '../../src/index';
import { fixture, frameworks, quiet } from '../helpers/frameworks';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
});

function track<T extends { close(): Promise<void> }>(mw: T): T {
  closers.push(() => mw.close());
  return mw;
}

for (const [name, make] of [['express4', express4], ['express5', express5]] as const) {
  describe(`${name} mounting`, () => {
    test('issue #2: app.use("/x", mw) serves /x/_hcms/api/... (routes match req.path)', async () => {
      const app = (make as typeof express5)();
      app.use('/x', track(expressFunctions(fixture('basic.functions'), quiet().options)) as never);
      await request(app).get('/x/_hcms/api/hello').expect(200, { message: 'hello' });
      await request(app).get('/_hcms/api/hello').expect(404);
    });

    test('SPEC R23: after express.json() the parsed body is used; its raw bytes with verify', async () => {
      const app = (make as typeof express5)();
      app.use(
        (make as typeof express5).json({
          verify: (req, _res, buf) => {
            (req as unknown as { rawBody: Buffer }).rawBody = buf;
          },
        }),
      );
      app.use(track(expressFunctions(fixture('basic.functions'), quiet({ rawBody: true }).options)) as never);
      const res = await request(app).post('/_hcms/api/context?q=1').send({ parsed: 'by express' }).expect(200);
      assert.deepEqual(res.body.body, { parsed: 'by express' });
      assert.equal(Buffer.from(res.body.rawBody, 'base64').toString(), '{"parsed":"by express"}');
      assert.match(res.body.url, /^http:\/\/127\.0\.0\.1:\d+\/_hcms\/api\/context\?q=1$/);
    });

    test('HSF_RAW_BODY_UNAVAILABLE: rawBody on, but express.json() kept no bytes', async () => {
      const app = (make as typeof express5)();
      app.use((make as typeof express5).json());
      app.use(track(expressFunctions(fixture('basic.functions'), quiet({ rawBody: true }).options)) as never);
      const res = await request(app).post('/_hcms/api/context').send({ a: 1 }).expect(500);
      assert.equal(res.body.code, 'HSF_RAW_BODY_UNAVAILABLE');
    });

    test('SPEC R22, R23: after express.urlencoded() form fields still reach params; express.json() GETs unaffected', async () => {
      const app = (make as typeof express5)();
      app.use((make as typeof express5).json());
      app.use((make as typeof express5).urlencoded({ extended: false }));
      app.use(track(expressFunctions(fixture('basic.functions'), quiet().options)) as never);
      const res = await request(app).post('/_hcms/api/context?x=q').type('form').send('x=f&y=2').expect(200);
      assert.deepEqual(res.body.params, { x: ['q', 'f'], y: ['2'] });
      const get = await request(app).get('/_hcms/api/context').expect(200);
      assert.deepEqual(get.body.body, {});
    });

    test('SPEC R25: Express\'s own trust proxy setting decides the client ip', async () => {
      const app = (make as typeof express5)();
      app.set('trust proxy', true);
      app.use(track(expressFunctions(fixture('basic.functions'), quiet().options)) as never);
      const res = await request(app).get('/_hcms/api/context').set('X-Forwarded-For', '203.0.113.7').expect(200);
      assert.equal(res.body.headers['true-client-ip'], '203.0.113.7');
    });
  });
}

for (const [name, Make] of [['koa2', Koa2], ['koa3', Koa3]] as const) {
  describe(`${name} mounting`, () => {
    test('issue #2: beside an @koa/router router on the same app', async () => {
      const app = new (Make as typeof Koa3)();
      const router = new Router();
      router.get('/api/own', (ctx) => {
        ctx.body = { own: true };
      });
      app.use(router.routes());
      app.use(track(koaFunctions(fixture('basic.functions'), quiet().options)) as never);
      await request(app.callback()).get('/api/own').expect(200, { own: true });
      await request(app.callback()).get('/_hcms/api/hello').expect(200, { message: 'hello' });
      await request(app.callback()).get('/other').expect(404);
    });

    test('issue #2: under koa-mount, and with `prefix`', async () => {
      const app = new (Make as typeof Koa3)();
      app.use(mount('/fn', track(koaFunctions(fixture('basic.functions'), quiet().options)) as never) as never);
      await request(app.callback()).get('/fn/_hcms/api/hello').expect(200, { message: 'hello' });
      const app2 = new (Make as typeof Koa3)();
      app2.use(track(koaFunctions(fixture('basic.functions'), quiet({ prefix: '/fn/api' }).options)) as never);
      await request(app2.callback()).get('/fn/api/hello').expect(200, { message: 'hello' });
      await request(app2.callback()).get('/_hcms/api/hello').expect(404);
    });

    test('SPEC R23: after @koa/bodyparser the parsed body and its rawBody are used', async () => {
      const app = new (Make as typeof Koa3)();
      app.use(bodyParser() as never);
      app.use(track(koaFunctions(fixture('basic.functions'), quiet({ rawBody: true }).options)) as never);
      const res = await request(app.callback()).post('/_hcms/api/context').send({ via: 'koa' }).expect(200);
      assert.deepEqual(res.body.body, { via: 'koa' });
      assert.equal(Buffer.from(res.body.rawBody, 'base64').toString(), '{"via":"koa"}');
    });
  });
}

describe('projects, hsmeta and several folders (SPEC R1, R3, R4, R10)', () => {
  test('a project root serves appFunctions endpoints and hsmeta endpoints under /hs/serverless', async () => {
    const app = express5();
    const mw = track(expressFunctions(fixture('project'), quiet().options));
    app.use(mw as never);
    const quote = await request(app).get('/hs/serverless/fetch-quote?x=1').expect(200);
    assert.deepEqual(quote.body, { q: 'Stay hungry', endpoint: 'fetch-quote', params: { x: ['1'] } });
    const widget = await request(app).post('/hs/serverless/api/widget').send({}).expect(200);
    assert.deepEqual(widget.body, { widget: true, method: 'POST', endpoint: 'api/widget' });
    const kinds = mw.host.routes.map((r) => `${r.kind}:${r.name}:${r.path}`).sort();
    assert.deepEqual(kinds, [
      'appFunction:crm-card:null',
      'appFunction:fetch-quote:/hs/serverless/fetch-quote',
      'hsmeta:widget_function:/hs/serverless/api/widget',
    ]);
  });

  test('an array of sources mounts each; a private app function is never reachable over HTTP', async () => {
    const app = express5();
    const mw = track(expressFunctions([fixture('basic.functions'), fixture('project')], quiet().options));
    app.use(mw as never);
    await request(app).get('/_hcms/api/hello').expect(200);
    await request(app).get('/hs/serverless/fetch-quote').expect(200);
    await request(app).post('/hs/serverless/crm-card').expect(404);
    await request(app).post('/_hcms/api/crm-card').expect(404);
  });
});

describe('functions that fail to load (SPEC R7)', () => {
  test('ready reports them, a warning names the file, they answer 500, the others serve', async () => {
    const q = quiet();
    const app = express5();
    const mw = track(expressFunctions(fixture('broken.functions'), q.options));
    app.use(mw as never);
    const ready = await mw.host.ready;
    assert.deepEqual(ready, { loaded: 1, failed: 3 });
    const failed = mw.host.routes.filter((r) => r.status === 'failed').map((r) => r.name).sort();
    assert.deepEqual(failed, ['missing', 'no-main', 'throws-at-load']);
    assert.ok(q.warnings.some((w: FunctionsWarning) => w.code === 'HSF_WARN_LOAD_FAILED' && w.message.includes('missing.js')));
    await request(app).get('/_hcms/api/ok').expect(200, { ok: true });
    const res = await request(app).get('/_hcms/api/no-main').expect(500);
    assert.equal(res.body.code, 'HSF_FUNCTION_LOAD_FAILED');
    const record = q.records.find((r: LogRecord) => r.id === res.body.requestId);
    assert.equal(record?.status, 'ERROR');
  });

  test('strict: ready rejects with HSF_LOAD_FAILED', async () => {
    const host = createFunctionsHost(fixture('broken.functions'), quiet({ strict: true }).options);
    closers.push(() => host.close());
    await assert.rejects(host.ready, { code: 'HSF_LOAD_FAILED' });
  });
});

describe('options that change answers', () => {
  for (const framework of frameworks) {
    test(`${framework.name}: SPEC R53 cors echoes an allowed origin and answers preflights`, async () => {
      const m = framework.mount(fixture('basic.functions'), quiet({ cors: { origins: ['https://www.example.com'], credentials: true } }).options);
      closers.push(() => m.close());
      const res = await request(m.app).get('/_hcms/api/hello').set('Origin', 'https://www.example.com').expect(200);
      assert.equal(res.headers['access-control-allow-origin'], 'https://www.example.com');
      assert.equal(res.headers['access-control-allow-credentials'], 'true');
      const pre = await request(m.app)
        .options('/_hcms/api/context')
        .set('Origin', 'https://www.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type')
        .expect(204);
      assert.equal(pre.headers['access-control-allow-methods'], 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS');
      assert.equal(pre.headers['access-control-allow-headers'], 'content-type');
      const other = await request(m.app).get('/_hcms/api/hello').set('Origin', 'https://evil.example').expect(200);
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    });
  }

  test('SPEC R27: the contact hook gets the utk, cookies, headers and the framework request', async () => {
    const seen: unknown[] = [];
    const app = express5();
    app.use(track(expressFunctions(fixture('basic.functions'), quiet({
      contact: ({ utk, cookies, headers, request: req }) => {
        seen.push({ utk, other: cookies.other, ua: headers['user-agent'], hasPath: typeof (req as { path?: string }).path === 'string' });
        return utk ? { vid: 42, isLoggedIn: true, listMemberships: [7], email: 'a@example.com' } : null;
      },
    }).options)) as never);
    const res = await request(app).get('/_hcms/api/context').set('Cookie', 'hubspotutk=utk-1; other=2').set('User-Agent', 'ua-test').expect(200);
    assert.deepEqual(res.body.contact, { vid: 42, isLoggedIn: true, listMemberships: [7], email: 'a@example.com' });
    assert.deepEqual(seen, [{ utk: 'utk-1', other: '2', ua: 'ua-test', hasPath: true }]);
    const none = await request(app).get('/_hcms/api/context').expect(200);
    assert.equal(none.body.contact, null);
  });

  test('SPEC R27: a failing contact hook gives null and the request still runs', async () => {
    const q = quiet({ contact: () => { throw new Error('crm down'); } });
    const app = express5();
    app.use(track(expressFunctions(fixture('basic.functions'), q.options)) as never);
    const res = await request(app).get('/_hcms/api/context').expect(200);
    assert.equal(res.body.contact, null);
    assert.ok(q.warnings.some((w) => w.code === 'HSF_WARN_CONTACT_HOOK'));
  });

  test('SPEC R26: accountId as a function of the request (multi-tenant)', async () => {
    const app = express5();
    app.use(track(expressFunctions(fixture('basic.functions'), quiet({
      accountId: (req) => Number((req as { headers: Record<string, string> }).headers['x-tenant']),
    }).options)) as never);
    const res = await request(app).get('/_hcms/api/context').set('x-tenant', '777').expect(200);
    assert.equal(res.body.accountId, 777);
  });

  test('SPEC R29: contextSecrets: false leaves context.secrets out', async () => {
    const app = express5();
    app.use(track(expressFunctions(fixture('basic.functions'), quiet({ contextSecrets: false }).options)) as never);
    const res = await request(app).get('/_hcms/api/context').expect(200);
    assert.equal(res.body.secrets, '(absent)');
  });

  test('SPEC R32: secrets from an async provider function', async () => {
    const app = express5();
    app.use(track(expressFunctions(fixture('basic.functions'), quiet({
      secrets: async (name) => (name === 'API_KEY' ? 'from-vault-9999' : undefined),
    }).options)) as never);
    const res = await request(app).get('/_hcms/api/context').expect(200);
    assert.deepEqual(res.body.secrets, { API_KEY: 'from-vault-9999' });
  });

  test('SPEC R48: under NODE_ENV=production a 5xx message is generic and names the request id', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const app = express5();
      app.use(track(expressFunctions(fixture('basic.functions'), quiet().options)) as never);
      const res = await request(app).get('/_hcms/api/throws').expect(500);
      assert.equal(res.body.code, 'HSF_FUNCTION_ERROR');
      assert.doesNotMatch(res.body.message, /boom/);
      assert.ok(res.body.message.includes(res.body.requestId));
      const bad = await request(app).post('/_hcms/api/context').set('content-type', 'application/json').send('{x').expect(400);
      assert.equal(bad.body.code, 'HSF_INVALID_JSON', 'client errors keep their message');
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
  });
});
