// The dashboard is served by the host itself, so every framework gets it the same way (issue #6):
// page and API through Express, Koa and node:http; authorize(); refused in production without
// authorize(); its path reserved in the route table.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import request from 'supertest';
import { createFunctionsHost, HubSpotFunctionsError, normalizeOptions } from '../../src/index';
import { fixture, frameworks, quiet, type MountedApp } from '../helpers/frameworks';

for (const framework of frameworks) {
  describe(`dashboard on ${framework.name}`, () => {
    const mounted: MountedApp[] = [];
    after(async () => {
      for (const m of mounted) await m.close();
    });

    test('issue #6: serves the page, the routes and the recent records; other paths still reach the host app (SPEC R12)', async () => {
      const m = framework.mount(fixture('basic.functions'), quiet({ dashboard: {} }).options);
      mounted.push(m);
      await m.host.ready;
      const page = await request(m.app).get('/__dashboard/').expect(200);
      assert.match(page.headers['content-type'], /^text\/html/);
      assert.match(page.text, /id="records"/);
      const call = await request(m.app).get('/_hcms/api/hello').expect(200);
      const records = await request(m.app).get('/__dashboard/api/records').expect(200);
      assert.deepEqual(records.body.records.map((r: { id: string }) => r.id), [call.headers['x-request-id']]);
      const routes = await request(m.app).get('/__dashboard/api/routes').expect(200);
      assert.ok(routes.body.routes.some((r: { path: string }) => r.path === '/_hcms/api/hello'));
      await request(m.app).post('/__dashboard').expect(405);
      await request(m.app).get('/__dashboard/nope').expect(404);
      const other = await request(m.app).get('/not-ours').expect(404);
      assert.equal(other.body.from, 'host-app');
    });

    test('issue #6: authorize() decides, with the framework\'s request; a throwing authorize() refuses', async () => {
      const seen: unknown[] = [];
      const m = framework.mount(fixture('basic.functions'), quiet({
        dashboard: {
          path: '/ops/logs',
          authorize: (req) => {
            seen.push(req);
            const headers = ((req as { headers?: Record<string, string> }).headers ?? (req as { req: { headers: Record<string, string> } }).req.headers);
            if (headers['x-boom']) throw new Error('boom');
            return headers['x-token'] === 'let-me-in';
          },
        },
      }).options);
      mounted.push(m);
      await request(m.app).get('/ops/logs').expect(403);
      await request(m.app).get('/ops/logs').set('x-boom', '1').expect(403);
      await request(m.app).get('/ops/logs').set('x-token', 'let-me-in').expect(200);
      await request(m.app).get('/__dashboard').expect(404);
      assert.equal(seen.length, 3);
    });
  });
}

test('issue #6, issue #10 item 5: under NODE_ENV=production the dashboard needs a token or authorize(), and the error names both', () => {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    assert.throws(() => normalizeOptions({ dashboard: {} }), (error: unknown) =>
      error instanceof TypeError && error.message.includes('dashboard.token') && error.message.includes('dashboard.authorize'));
    assert.equal(normalizeOptions({ dashboard: { authorize: () => true } }).dashboard?.path, '/__dashboard');
    assert.equal(normalizeOptions({ dashboard: { token: 's3cret' } }).dashboard?.path, '/__dashboard');
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
});

const badOptions = [
  { name: 'issue #6: dashboard must be false or an object', value: true },
  { name: 'issue #6: dashboard.path must be a path', value: { path: 42 } },
  { name: 'issue #6: dashboard.path cannot be the root', value: { path: '/' } },
  { name: 'issue #6: dashboard.authorize must be a function', value: { authorize: 'yes' }, option: 'dashboard.authorize' },
  { name: 'issue #10: dashboard takes no unknown key', value: { allowedHost: ['a.example'] }, option: 'allowedHost' },
  { name: 'issue #10 item 2: dashboard.allowedHosts must be an array', value: { allowedHosts: 'a.example' }, option: 'dashboard.allowedHosts' },
  { name: 'issue #10 item 2: dashboard.allowedHosts entries are strings', value: { allowedHosts: [42] }, option: 'dashboard.allowedHosts' },
  { name: 'issue #10 item 2: dashboard.allowedHosts entries are not empty', value: { allowedHosts: [''] }, option: 'dashboard.allowedHosts' },
  { name: 'issue #10 item 2: dashboard.allowedHosts entries are host names, not URLs', value: { allowedHosts: ['https://a.example'] }, option: 'dashboard.allowedHosts' },
  { name: 'issue #10 item 2: dashboard.allowedHosts entries carry no port', value: { allowedHosts: ['a.example:3000'] }, option: 'dashboard.allowedHosts' },
  { name: 'issue #10 item 2: dashboard.allowedHosts entries carry no user', value: { allowedHosts: ['me@a.example'] }, option: 'dashboard.allowedHosts' },
  { name: 'issue #10 item 3: dashboard.maxStreams is an integer >= 1', value: { maxStreams: 0 }, option: 'dashboard.maxStreams' },
  { name: 'issue #10 item 3: dashboard.maxStreamBufferBytes is an integer', value: { maxStreamBufferBytes: 1.5 }, option: 'dashboard.maxStreamBufferBytes' },
  { name: 'issue #10 item 3: dashboard.maxStreamBufferBytes holds a record at least', value: { maxStreamBufferBytes: 1000 }, option: 'dashboard.maxStreamBufferBytes' },
  { name: 'issue #10 item 5: dashboard.token is a string', value: { token: 42 }, option: 'dashboard.token' },
  { name: 'issue #10 item 5: dashboard.token is not empty', value: { token: '' }, option: 'dashboard.token' },
  { name: 'issue #10 item 5: dashboard.token has no spaces or control characters', value: { token: 'two words' }, option: 'dashboard.token' },
];
for (const t of badOptions) {
  test(t.name, () => assert.throws(() => normalizeOptions({ dashboard: t.value as never }), (error: unknown) =>
    error instanceof TypeError && (t.option === undefined || error.message.includes(t.option))));
}

test('issue #10: the dashboard\'s defaults: 32 streams, 1 MiB per stream, loopback hosts only, no token', () => {
  assert.deepEqual(
    { ...normalizeOptions({ dashboard: { allowedHosts: ['Dash.Example.com', '.corp.example'] } }).dashboard },
    { path: '/__dashboard', authorize: null, token: null, allowedHosts: ['dash.example.com', '.corp.example'], maxStreams: 32, maxStreamBufferBytes: 1_048_576 },
  );
});

test('issue #10 item 1: the host\'s dispatch never rejects, even when writing the answer throws', async () => {
  const host = createFunctionsHost(fixture('basic.functions'), quiet({ dashboard: {} }).options);
  let destroyed = 0;
  const req = { method: 'GET', url: '/__dashboard/api/routes', headers: { host: 'localhost' }, socket: {} };
  const res = {
    headersSent: false,
    statusCode: 200,
    getHeaderNames: () => [],
    setHeader() {
      throw new TypeError('Invalid character in header content');
    },
    appendHeader() {
      throw new TypeError('Invalid character in header content');
    },
    removeHeader() {},
    writeHead() {
      throw new TypeError('Invalid character in header content');
    },
    end() {},
    destroy() {
      destroyed++;
    },
  };
  try {
    assert.equal(await host.dispatch(req as never, res as never, { path: '/__dashboard/api/routes' }), true);
    assert.equal(destroyed, 1);
  } finally {
    await host.close();
  }
});

test('SPEC R7, issue #6: a function served at the dashboard\'s path is a configuration error at mount', () => {
  assert.throws(
    () => createFunctionsHost(fixture('basic.functions'), quiet({ dashboard: { path: '/_hcms/api/nested' } }).options),
    (error: unknown) => error instanceof HubSpotFunctionsError && error.code === 'HSF_CONFIG_DUPLICATE_ROUTE',
  );
});
