// The dashboard API for operators (issue #15), on bare node:http: filters on /api/records, a bad
// filter answered 400 with the request id (SPEC R48), and the figures on /api/stats.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createRequestListener, type RequestListener } from '../../src/index';
import { fixture } from '../helpers/frameworks';

interface ApiRecord { id: string; endpoint: string; status: string; statusCode: number; instance: string }

describe('dashboard API (issue #15)', () => {
  let app: RequestListener;
  const ids: Record<string, string> = {};
  before(async () => {
    app = createRequestListener(fixture('operations.functions'), {
      isolation: 'inline', onLog: false, onWarning: () => undefined, instance: 'api-1', dashboard: {}, rateLimit: { budgetMs: 60_000 },
    });
    await app.host.ready;
    for (const [name, path, status] of [['hello', '/_hcms/api/hello', 200], ['notFound', '/_hcms/api/status?status=404', 404], ['threw', '/_hcms/api/throws', 500]] as const) {
      const res = await request(app).get(path).expect(status);
      ids[name] = res.headers['x-request-id'] as string;
    }
  });
  after(() => app?.close());

  const list = async (query: string): Promise<string[]> =>
    ((await request(app).get(`/__dashboard/api/records${query}`).expect(200)).body.records as ApiRecord[]).map((r) => r.id);

  test('issue #15: /api/records filters by endpoint, status, instance, request id and since', async () => {
    assert.deepEqual(await list(''), [ids.hello, ids.notFound, ids.threw]);
    assert.deepEqual(await list('?endpoint=/hello'), [ids.hello]);
    assert.deepEqual(await list('?endpoint=status'), [ids.notFound]);
    assert.deepEqual(await list('?status=success'), [ids.hello, ids.notFound], 'a 404 HubSpot records as SUCCESS is a success');
    assert.deepEqual(await list('?status=error'), [ids.threw]);
    assert.deepEqual(await list('?status=timeout'), []);
    assert.deepEqual(await list('?instance=api-1'), [ids.hello, ids.notFound, ids.threw]);
    assert.deepEqual(await list('?instance=other'), []);
    assert.deepEqual(await list(`?q=${ids.threw!.slice(0, 8).toUpperCase()}`), [ids.threw]);
    assert.deepEqual(await list(`?since=${Date.now() + 60_000}`), []);
  });

  test('issue #15, SPEC R48: a filter value the dashboard does not know is a 400 with the request id', async () => {
    const res = await request(app).get('/__dashboard/api/records?status=errors').expect(400);
    assert.equal(res.body.code, 'HSF_DASHBOARD_BAD_QUERY');
    assert.equal(res.headers['x-request-id'], res.body.requestId);
    await request(app).get('/__dashboard/api/records?since=yesterday').expect(400);
  });

  test('issue #15: /api/stats gives each function\'s figures over 5 minutes and the budget of the current window', async () => {
    const res = await request(app).get('/__dashboard/api/stats').expect(200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const stats = res.body as { windowMs: number; functions: Array<{ functionId: string; invocations: number; errorRate: number }>; budget: { budgetMs: number; windowMs: number; accounts: Array<{ accountId: number; usedMs: number }> } };
    assert.equal(stats.windowMs, 300_000);
    const byId = new Map(stats.functions.map((f) => [f.functionId, f]));
    assert.equal(byId.get('test/fixtures/operations.functions#hello')?.invocations, 1);
    assert.equal(byId.get('test/fixtures/operations.functions#throws')?.errorRate, 1);
    assert.equal(byId.get('test/fixtures/operations.functions#status')?.errorRate, 0);
    assert.equal(stats.budget.budgetMs, 60_000);
    assert.equal(stats.budget.windowMs, 60_000);
    assert.deepEqual(stats.budget.accounts.map((a) => a.accountId), [0]);
  });
});
