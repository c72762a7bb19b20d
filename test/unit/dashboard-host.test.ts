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

test('issue #6: under NODE_ENV=production the dashboard needs authorize()', () => {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    assert.throws(() => normalizeOptions({ dashboard: {} }), TypeError);
    assert.equal(normalizeOptions({ dashboard: { authorize: () => true } }).dashboard?.path, '/__dashboard');
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
});

const badOptions = [
  { name: 'issue #6: dashboard must be false or an object', value: true },
  { name: 'issue #6: dashboard.path must be a path', value: { path: 42 } },
  { name: 'issue #6: dashboard.path cannot be the root', value: { path: '/' } },
  { name: 'issue #6: dashboard.authorize must be a function', value: { authorize: 'yes' } },
];
for (const t of badOptions) {
  test(t.name, () => assert.throws(() => normalizeOptions({ dashboard: t.value as never }), TypeError));
}

test('SPEC R7, issue #6: a function served at the dashboard\'s path is a configuration error at mount', () => {
  assert.throws(
    () => createFunctionsHost(fixture('basic.functions'), quiet({ dashboard: { path: '/_hcms/api/nested' } }).options),
    (error: unknown) => error instanceof HubSpotFunctionsError && error.code === 'HSF_CONFIG_DUPLICATE_ROUTE',
  );
});
