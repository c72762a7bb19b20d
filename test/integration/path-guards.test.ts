// SPEC R11 (revised, issue #10): the request path is matched as the host framework routes it, so
// a guard the host mounted on a path cannot be walked around with percent-encoding: the prefix
// and every `/` must appear as sent, and nothing is decoded from the request.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import express4 from 'express4';
import express5 from 'express5';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import mount from 'koa-mount';
import request from 'supertest';
import { hubspotFunctions as expressFunctions } from '../../adapters/express';
import { hubspotFunctions as koaFunctions } from '../../adapters/koa';
import { createRequestListener } from '../../src/index';
import { fixture, quiet } from '../helpers/frameworks';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers) await close();
});

type App = Parameters<typeof request>[0];

/** Paths that name `admin/report` only after decoding: none may run the function. */
const walkArounds = [
  '/_hcms/api/%61dmin/report',
  '/_hcms/api/admin%2Freport',
  '/_hcms/api/admin%2freport',
  '/_hcms%2Fapi%2Fadmin%2Freport',
  '/%5Fhcms/api/admin/report',
  '/_hcms/api/admin/%72eport',
];

/** Configured paths and the requests that reach them in their canonical percent-encoding. */
const reached: Array<[string, string]> = [
  ['/_hcms/api/caf%C3%A9', 'café'],
  ['/_hcms/api/caf%c3%a9', 'café'],
  ['/_hcms/api/caf%C3%A9/', 'café'],
  ['/_hcms/api/a%20b', 'a b'],
  ['/_hcms/api/%7Bx%7D', '{x}'],
  ['/_hcms/api/50%25off', '50%25off'],
];

function checks(name: string, make: () => App, guarded: boolean): void {
  describe(name, () => {
    let app: App;
    test('setup', () => {
      app = make();
    });

    test('SPEC R11: the guard answers the path as sent', async () => {
      const res = await request(app).get('/_hcms/api/admin/report');
      if (guarded) assert.deepEqual([res.status, res.body], [401, { guard: true }]);
      else assert.deepEqual([res.status, res.body], [200, { ran: 'admin/report' }]);
    });

    for (const path of walkArounds) {
      test(`SPEC R11: ${path} does not reach admin/report`, async () => {
        const res = await request(app).get(path);
        assert.notEqual(res.status, 200, `${path} ran the function: ${JSON.stringify(res.body)}`);
        assert.notDeepEqual(res.body, { ran: 'admin/report' });
      });
    }

    for (const [path, endpoint] of reached) {
      test(`SPEC R11: ${path} reaches "${endpoint}"`, async () => {
        const res = await request(app).get(path).expect(200);
        assert.deepEqual(res.body, { ran: endpoint });
      });
    }

    test('SPEC R11: "50%25off" is not reached by a decoded "50%off"', async () => {
      const res = await request(app).get('/_hcms/api/50%off');
      assert.notEqual(res.status, 200);
    });
  });
}

const folder = fixture('guarded.functions');
const guard = { guard: true };

for (const [name, make] of [['express4', express4], ['express5', express5]] as const) {
  checks(`${name} with app.use('/_hcms/api/admin', guard) first`, () => {
    const app = (make as typeof express5)();
    app.use('/_hcms/api/admin', (_req, res) => {
      res.status(401).json(guard);
    });
    const mw = expressFunctions(folder, quiet({ isolation: 'inline' }).options);
    closers.push(() => mw.close());
    app.use(mw as never);
    app.use((_req, res) => {
      res.status(404).json({ from: 'host-app' });
    });
    return app as unknown as App;
  }, true);
}

for (const [name, Make] of [['koa2', Koa2], ['koa3', Koa3]] as const) {
  checks(`${name} with koa-mount('/_hcms/api/admin', guard) first`, () => {
    const app = new (Make as typeof Koa3)();
    app.use(mount('/_hcms/api/admin', (ctx: { status: number; body: unknown }) => {
      ctx.status = 401;
      ctx.body = guard;
    }) as never);
    const mw = koaFunctions(folder, quiet({ isolation: 'inline' }).options);
    closers.push(() => mw.close());
    app.use(mw as never);
    app.use((ctx) => {
      ctx.status = 404;
      ctx.body = { from: 'host-app' };
    });
    return app.callback() as unknown as App;
  }, true);
}

checks('node:http (createRequestListener, no guard)', () => {
  const listener = createRequestListener(folder, quiet({ isolation: 'inline' }).options);
  closers.push(() => listener.close());
  return listener as unknown as App;
}, false);

test('SPEC R11: invoke() takes a configured path as typed or canonically encoded, never decoded', async () => {
  const listener = createRequestListener(folder, quiet({ isolation: 'inline' }).options);
  closers.push(() => listener.close());
  await listener.host.ready;
  assert.deepEqual((await listener.host.invoke('/_hcms/api/café')).body, { ran: 'café' });
  assert.deepEqual((await listener.host.invoke('/_hcms/api/caf%C3%A9')).body, { ran: 'café' });
  assert.deepEqual((await listener.host.invoke('/_hcms/api/a b')).body, { ran: 'a b' });
  await assert.rejects(listener.host.invoke('/_hcms/api/%61dmin/report'), { code: 'HSF_INVOKE_NOT_FOUND' });
});
