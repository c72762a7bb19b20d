// The dashboard's figures per function (issue #15): invocations, error rate, p50/p95 over the
// last 5 minutes, the budget used in the current window; bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFunctionStats } from '../../src/dashboard/function-stats';
import type { LogRecord } from '../../src/types';

const NOW = 10_000_000;
function record(functionId: string, executionTime: number, fields: Partial<LogRecord> = {}): LogRecord {
  return { id: 'x', status: 'SUCCESS', createdAt: NOW - 1_000, executionTime, memory: '3/128 MB', log: '', endpoint: functionId, method: 'GET', statusCode: 200, instance: 'a', functionId, accountId: 7, ...fields };
}

test('issue #15: invocations, error rate and p50/p95 of the calls that ran; refused calls count but have no time', () => {
  const stats = createFunctionStats({ budgetMs: 1_000, windowMs: 60_000 });
  for (let ms = 1; ms <= 20; ms++) stats.add(record('f', ms * 10));
  stats.add(record('f', 0, { status: 'ERROR', statusCode: 429, memory: '0/128 MB', error: { type: 'HSF_RATE_LIMITED', message: '', stackTrace: [] } }));
  stats.add(record('f', 30, { status: 'UNHANDLED_ERROR', statusCode: 500 }));
  const f = stats.snapshot(NOW).functions.find((s) => s.functionId === 'f')!;
  assert.equal(f.invocations, 22);
  assert.equal(f.errors, 2);
  assert.equal(f.errorRate, 2 / 22);
  // 21 times that ran: 10…200 and 30; nearest rank: the 11th and the 20th.
  assert.equal(f.p50, 100);
  assert.equal(f.p95, 190);
});

test('issue #15, SPEC R55: the budget used is the execution time of the current window, per account and per function', () => {
  const stats = createFunctionStats({ budgetMs: 1_000, windowMs: 60_000 });
  stats.add(record('f', 100));
  stats.add(record('g', 50));
  stats.add(record('g', 25, { accountId: 8 }));
  stats.add(record('f', 400, { createdAt: NOW - 120_000 }));
  const snap = stats.snapshot(NOW);
  assert.deepEqual(snap.budget, { budgetMs: 1_000, windowMs: 60_000, accounts: [{ accountId: 7, usedMs: 150 }, { accountId: 8, usedMs: 25 }] });
  assert.deepEqual(snap.functions.map((s) => [s.functionId, s.invocations, s.budgetUsedMs]), [['f', 2, 100], ['g', 2, 75]]);
});

test('issue #15: calls older than 5 minutes drop out; a function with none left is gone; no budget when it is off', () => {
  const stats = createFunctionStats(null);
  stats.add(record('old', 5, { createdAt: NOW - 301_000 }));
  stats.add(record('new', 5));
  const snap = stats.snapshot(NOW);
  assert.deepEqual(snap.functions.map((s) => s.functionId), ['new']);
  assert.equal(snap.budget, null);
  assert.equal(snap.windowMs, 300_000);
});

test('issue #15: each function keeps at most maxSamples', () => {
  const stats = createFunctionStats(null, 10);
  for (let i = 0; i < 25; i++) stats.add(record('f', i));
  const f = stats.snapshot(NOW).functions[0]!;
  assert.equal(f.invocations, 10);
  assert.equal(f.p50, 19);
});
