// The in-memory budget store's arithmetic (SPEC R55, issue #10), with an injected clock: no
// sleeping. Admission charges what ran: settled time in the buckets it ran in, plus for calls in
// flight max(Σ elapsed, Σ estimate); refused only once that has reached the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBudgetStore } from '../../src/limits/memory-budget-store';
import { computeInFlightCharge, IN_FLIGHT_GRACE_MS, START_EPOCH_MS } from '../../src/limits/in-flight';
import { computeGeometry, spreadOverBuckets } from '../../src/limits/sliding-window';
import type { ReserveRequest } from '../../src/limits/budget-store';

// Bucket 1000 of a 60 s window (1 s buckets) starts here.
const T0 = 1_000_000;

function setup(budgetMs = 1000) {
  const clock = { t: T0 };
  const store = createMemoryBudgetStore({ now: () => clock.t });
  const ask = (extra: Partial<ReserveRequest> = {}) =>
    store.reserve({ key: 'acct:1', estimateMs: 0, timeoutMs: 10_000, budgetMs, windowMs: 60_000, maxExecutions: null, ...extra });
  const settle = (reservationId: string | undefined, actualMs: number) =>
    store.settle({ key: 'acct:1', reservationId: reservationId!, actualMs, windowMs: 60_000 });
  /** A call that started and ended at the current instant, having run `ms`. */
  const ran = async (ms: number) => settle((await ask()).reservationId, ms);
  return { clock, store, ask, settle, ran };
}

const geometryCases = [
  { name: 'SPEC R55: the default 60 s window is 60 buckets of 1 s', windowMs: 60_000, want: { bucketMs: 1000, buckets: 60 } },
  { name: 'SPEC R55: a 1 s window is cut into integer buckets covering it', windowMs: 1000, want: { bucketMs: 16, buckets: 63 } },
  { name: 'SPEC R55: a window shorter than 60 ms has 1 ms buckets', windowMs: 50, want: { bucketMs: 1, buckets: 50 } },
];
for (const t of geometryCases) test(t.name, () => assert.deepStrictEqual(computeGeometry(t.windowMs), t.want));

const spreadCases = [
  { name: 'SPEC R55: a call within one bucket counts there', endMs: 1_000_500, ms: 300, oldest: 0, want: [[1000, 300]] },
  { name: 'SPEC R55: a call across a bucket boundary is cut at it', endMs: 1_000_500, ms: 1200, oldest: 0, want: [[999, 700], [1000, 500]] },
  { name: 'SPEC R55: a call ending on a boundary counts in the bucket before it', endMs: 1_001_000, ms: 1000, oldest: 0, want: [[1000, 1000]] },
  { name: 'SPEC R55: what ran before the window no longer counts', endMs: 1_000_500, ms: 2500, oldest: 999, want: [[999, 1000], [1000, 500]] },
  { name: 'SPEC R55: an instant call counts nothing', endMs: 1_000_500, ms: 0, oldest: 0, want: [] },
];
for (const t of spreadCases) {
  test(t.name, () => {
    const pieces: number[][] = [];
    spreadOverBuckets(t.endMs, t.ms, 1000, t.oldest, (bucket, ms) => pieces.push([bucket, ms]));
    assert.deepStrictEqual(pieces, t.want);
  });
}

const chargeCases = [
  { name: 'SPEC R55: no call in flight charges nothing', count: 0, elapsed: [], estimates: [], want: 0 },
  { name: 'SPEC R55: calls in flight charge what they used so far when it is more than their estimates', count: 2, elapsed: [300, 500], estimates: [100, 100], want: 800 },
  { name: 'SPEC R55: calls in flight charge their estimates when they have used less', count: 2, elapsed: [10, 20], estimates: [1500, 1500], want: 3000 },
  { name: 'SPEC R55: a cold call (estimate 0) charges only what it used', count: 1, elapsed: [42], estimates: [0], want: 42 },
];
for (const t of chargeCases) {
  test(t.name, () => {
    const now = T0 + 10_000;
    const sumStarts = t.elapsed.reduce((sum, e) => sum + (now - e - START_EPOCH_MS), 0);
    const sumEstimates = t.estimates.reduce((sum, e) => sum + e, 0);
    assert.equal(computeInFlightCharge(t.count, sumStarts, sumEstimates, now), t.want);
  });
}

test('SPEC R55: a fresh budget admits and reports the whole budget left', async () => {
  const { ask } = setup();
  const first = await ask({ estimateMs: 300 });
  assert.equal(first.admitted, true);
  assert.equal(first.remainingMs, 1000, 'what is left before this call: nothing ran');
  assert.equal(first.executions, 1);
  assert.equal(typeof first.reservationId, 'string');
  assert.equal((await ask()).remainingMs, 700, 'the first call is charged its estimate while in flight');
});

test('SPEC R55, issue #10: a cold burst is admitted while budget is left, then what it uses is charged', async () => {
  const { clock, ask } = setup();
  const burst = await Promise.all(Array.from({ length: 200 }, () => ask({ timeoutMs: 10_000 })));
  assert.ok(burst.every((r) => r.admitted), 'never a cold start\'s worst case (the timeout)');
  clock.t += 5; // 200 calls × 5 ms = the whole 1000 ms budget used
  const refused = await ask();
  assert.equal(refused.admitted, false);
  assert.equal(refused.remainingMs, 0);
});

test('SPEC R55: estimates of calls in flight count, so concurrent calls cannot overspend', async () => {
  const { ask } = setup();
  const results = await Promise.all(Array.from({ length: 50 }, () => ask({ estimateMs: 100 })));
  assert.equal(results.filter((r) => r.admitted).length, 10);
});

test('SPEC R55: a call in flight counts the larger of its estimate and what it has used', async () => {
  const { clock, ask } = setup();
  await ask({ estimateMs: 300 });
  clock.t = T0 + 100;
  assert.equal((await ask()).remainingMs, 1000 - 300 - 0, 'estimate 300 > used 100 (+ a cold call at 0)');
  clock.t = T0 + 500; // the first has used 500, the second 400: Σ 900 > Σ estimates 300
  assert.equal((await ask()).remainingMs, 100);
});

test('SPEC R55: settle replaces the in-flight charge with the measured time', async () => {
  const { clock, ask, settle } = setup();
  const a = await ask({ estimateMs: 600 });
  clock.t = T0 + 100;
  await settle(a.reservationId, 100);
  const b = await ask();
  assert.equal(b.admitted, true);
  assert.equal(b.remainingMs, 900);
});

test('SPEC R55: a call that ran longer than its estimate is counted in full', async () => {
  const { clock, ask, settle } = setup();
  const a = await ask({ estimateMs: 100 });
  clock.t = T0 + 700;
  await settle(a.reservationId, 700);
  assert.equal((await ask()).remainingMs, 300);
});

test('SPEC R55: refused only once the window has reached the budget', async () => {
  const { ran, ask } = setup();
  await ran(999);
  const last = await ask();
  assert.equal(last.admitted, true, '1 ms left is budget left');
  assert.equal(last.remainingMs, 1);
  await ran(1);
  assert.equal((await ask()).admitted, false);
});

test('SPEC R55: a refusal says when the oldest buckets free enough', async () => {
  const { clock, ran, ask } = setup();
  clock.t = T0 + 500;
  await ran(500); // [T0, T0 + 500): bucket 1000
  clock.t = T0 + 10_500;
  await ran(600); // [T0 + 9900, T0 + 10_500): 100 ms in bucket 1009, 500 in bucket 1010
  const refused = await ask();
  assert.equal(refused.admitted, false);
  assert.equal(refused.reservationId, undefined);
  assert.equal(refused.remainingMs, 0);
  // 101 ms must free (1100 − 1000 + 1): bucket 1000 holds 500; it stops counting at (1000 + 61) s.
  assert.equal(refused.retryAfterMs, 1_061_000 - clock.t);
});

test('SPEC R55: the retry time walks past buckets that do not free enough on their own', async () => {
  const { clock, ran, ask } = setup();
  clock.t = T0 + 100;
  await ran(100); // bucket 1000
  clock.t = T0 + 5800;
  await ran(800); // bucket 1005
  clock.t = T0 + 20_000;
  await ran(500); // bucket 1019: 1400 in all, 401 ms must free: buckets 1000 and 1005
  const refused = await ask();
  assert.equal(refused.admitted, false);
  assert.equal(refused.retryAfterMs, (1005 + 61) * 1000 - clock.t);
});

test('SPEC R55: calls in flight alone over the budget: retry once this bucket has left the window', async () => {
  const { clock, ask } = setup();
  await ask({ estimateMs: 1500 });
  clock.t = T0 + 200;
  const refused = await ask();
  assert.equal(refused.admitted, false);
  assert.equal(refused.retryAfterMs, 1_061_000 - clock.t);
});

test('SPEC R55: the window slides: time counts for at least windowMs after it ran, then frees', async () => {
  const { clock, ran, ask } = setup();
  clock.t = T0 + 1000;
  await ran(1000); // [T0, T0 + 1000): bucket 1000
  clock.t = T0 + 60_000; // windowMs after it began: still counted
  assert.equal((await ask()).admitted, false);
  clock.t = 1_060_999; // the last instant bucket 1000 counts, windowMs after its last millisecond
  assert.equal((await ask()).admitted, false);
  clock.t = 1_061_000;
  const later = await ask();
  assert.equal(later.admitted, true);
  assert.equal(later.remainingMs, 1000);
});

test('SPEC R55: a call longer than the window counts all it used while in flight, then the part inside the window', async () => {
  const { clock, ask, settle } = setup(100_000);
  const long = await ask({ timeoutMs: 100_000 });
  clock.t = T0 + 90_000;
  assert.equal((await ask()).remainingMs, 10_000, 'in flight: all 90 s since its start');
  clock.t = T0 + 90_000; // the second call is still at 0 ms
  await settle(long.reservationId, 90_000);
  // Settled: [T0, T0 + 90 s) cut to the window's buckets 1030..1090 = 60 s.
  assert.equal((await ask()).remainingMs, 40_000);
});

test('SPEC R55: a call never settled (a lost server) stops counting after its timeout plus the grace', async () => {
  const { clock, ask, settle } = setup(100_000);
  const ghost = await ask({ timeoutMs: 1000, estimateMs: 800 });
  clock.t = T0 + 1000 + IN_FLIGHT_GRACE_MS - 1;
  assert.equal((await ask({ timeoutMs: 100_000 })).remainingMs, 100_000 - (1000 + IN_FLIGHT_GRACE_MS - 1));
  clock.t = T0 + 1000 + IN_FLIGHT_GRACE_MS;
  assert.equal((await ask()).remainingMs, 100_000 - 1, 'the ghost is gone; the second call has used 1 ms');
  // A call that does settle after its entry expired still counts what it ran.
  await settle(ghost.reservationId, 1000);
  assert.equal((await ask()).remainingMs, 100_000 - 1 - 1000);
});

test('SPEC R55: a window with no calls for longer than itself starts empty', async () => {
  const { clock, ran, ask } = setup();
  await ran(1000);
  clock.t = T0 + 10 * 60_000;
  const fresh = await ask();
  assert.equal(fresh.admitted, true);
  assert.equal(fresh.executions, 1);
  assert.equal(fresh.remainingMs, 1000);
});

test('SPEC R55: a clock that steps back does not free budget', async () => {
  const { clock, ran, ask } = setup();
  clock.t = T0 + 1000;
  await ran(1000);
  clock.t = T0 - 120_000;
  assert.equal((await ask()).admitted, false);
});

test('SPEC R55: maxExecutions counts executions in the window and refuses the next one', async () => {
  const { clock, ask } = setup(100_000);
  const limits = { maxExecutions: 2 };
  assert.equal((await ask(limits)).executions, 1);
  clock.t = T0 + 3000;
  assert.equal((await ask(limits)).executions, 2);
  const refused = await ask(limits);
  assert.equal(refused.admitted, false);
  assert.equal(refused.executions, 2);
  assert.equal(refused.retryAfterMs, 1_061_000 - clock.t);
});

test('SPEC R55: accounts have separate budgets', async () => {
  const { store, ran, ask } = setup();
  await ran(1000);
  const other = await store.reserve({ key: 'acct:2', estimateMs: 0, timeoutMs: 10_000, budgetMs: 1000, windowMs: 60_000, maxExecutions: null });
  assert.equal(other.admitted, true);
  assert.equal(other.remainingMs, 1000);
  assert.equal((await ask()).admitted, false);
});
