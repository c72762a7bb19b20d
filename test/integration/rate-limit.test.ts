// The execution budget over HTTP (SPEC R28, R55; issue #4): once an account has spent its
// budget, requests get 429 with Retry-After, the JSON error with the request id and an ERROR
// record, and the function does not run; context.limits reports real figures before that.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import request from 'supertest';
import { createRequestListener } from '../../src/index';
import { fixture, quiet } from '../helpers/frameworks';

test('SPEC R55: a spent budget answers 429 with Retry-After, a JSON error and an ERROR record', async () => {
  // Before anything is measured a call reserves its whole timeout (capped by the budget); after
  // that, twice the running average (see README: Execution budget).
  const q = quiet({ rateLimit: { budgetMs: 400, windowMs: 60_000 } });
  const listener = createRequestListener(fixture('basic.functions'), q.options);
  const server = createServer(listener);
  try {
    // Each call takes ~60 ms; the budget of 400 ms is spent after a few.
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 20 && refused === undefined; i++) {
      const res = await request(server).get('/_hcms/api/slow?ms=60');
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    assert.ok(refused, `a 429 within 20 calls; got ${statuses.join(',')}`);
    assert.ok(statuses.filter((s) => s === 200).length >= 2, 'the budget admitted calls before refusing');
    assert.equal(refused.body.code, 'HSF_RATE_LIMITED');
    assert.equal(refused.body.requestId, refused.headers['x-request-id']);
    assert.match(refused.headers['retry-after'], /^[1-9]\d*$/);
    const record = q.records.find((r) => r.id === refused!.body.requestId);
    assert.equal(record?.status, 'ERROR');
    assert.equal(record?.executionTime, 0);
    assert.equal(record?.error?.type, 'HSF_RATE_LIMITED');
  } finally {
    await listener.close();
  }
});

test('SPEC R28: context.limits shrinks as the account spends; another account has its own budget', async () => {
  const listener = createRequestListener(fixture('basic.functions'), quiet({
    rateLimit: { budgetMs: 60_000, windowMs: 60_000 },
    accountId: (req) => Number((req as { headers: Record<string, string> }).headers['x-account'] ?? 1),
  }).options);
  const server = createServer(listener);
  try {
    // The account's first call reserves its whole timeout (nothing measured yet): warm up first.
    await request(server).get('/_hcms/api/context').expect(200);
    const first = await request(server).get('/_hcms/api/context').expect(200);
    await request(server).get('/_hcms/api/slow?ms=100').expect(200);
    await request(server).get('/_hcms/api/slow?ms=100').expect(200);
    const later = await request(server).get('/_hcms/api/context').expect(200);
    const other = await request(server).get('/_hcms/api/context').set('x-account', '2').expect(200);
    assert.ok(later.body.limits.timeRemaining < first.body.limits.timeRemaining - 150, JSON.stringify([first.body.limits, later.body.limits]));
    assert.ok(other.body.limits.timeRemaining > later.body.limits.timeRemaining);
    for (const l of [first.body.limits, later.body.limits, other.body.limits]) {
      assert.ok(Number.isInteger(l.executionsRemaining) && l.executionsRemaining >= 0);
      assert.ok(Number.isFinite(l.timeRemaining));
    }
  } finally {
    await listener.close();
  }
});
