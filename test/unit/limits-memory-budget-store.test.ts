// The in-memory budget store's window arithmetic (SPEC R55), with an injected clock: no sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBudgetStore } from '../../src/limits/memory-budget-store';
import { computeGeometry, decodeReservation, encodeReservation } from '../../src/limits/sliding-window';
import type { ReserveRequest } from '../../src/limits/budget-store';

// Bucket 1000 of a 60 s window (1 s buckets) starts here.
const T0 = 1_000_000;

function setup() {
  const clock = { t: T0 };
  const store = createMemoryBudgetStore({ now: () => clock.t });
  const ask = (reserveMs: number, extra: Partial<ReserveRequest> = {}) =>
    store.reserve({ key: 'acct:1', reserveMs, budgetMs: 1000, windowMs: 60_000, maxExecutions: null, ...extra });
  return { clock, store, ask };
}

const geometryCases = [
  { name: 'SPEC R55: the default 60 s window is 60 buckets of 1 s', windowMs: 60_000, want: { bucketMs: 1000, buckets: 60 } },
  { name: 'SPEC R55: a 1 s window is cut into integer buckets covering it', windowMs: 1000, want: { bucketMs: 16, buckets: 63 } },
  { name: 'SPEC R55: a window shorter than 60 ms has 1 ms buckets', windowMs: 50, want: { bucketMs: 1, buckets: 50 } },
];
for (const t of geometryCases) test(t.name, () => assert.deepStrictEqual(computeGeometry(t.windowMs), t.want));

test('SPEC R55: a reservation id round-trips its bucket and reserved time', () => {
  assert.deepStrictEqual(decodeReservation(encodeReservation(1234, 567)), { bucket: 1234, reservedMs: 567 });
  assert.equal(decodeReservation('not-a-reservation'), null);
});

test('SPEC R55: admission reserves time and reports what is left', async () => {
  const { ask } = setup();
  const first = await ask(300);
  assert.equal(first.admitted, true);
  assert.equal(first.remainingMs, 700);
  assert.equal(first.executions, 1);
  assert.equal(typeof first.reservationId, 'string');
  const second = await ask(700);
  assert.equal(second.admitted, true);
  assert.equal(second.remainingMs, 0);
  assert.equal(second.executions, 2);
});

test('SPEC R55: a reservation over what is left is refused, with the time until the oldest bucket frees enough', async () => {
  const { clock, ask } = setup();
  assert.equal((await ask(600)).admitted, true); // bucket 1000
  clock.t = T0 + 10_500;
  assert.equal((await ask(300)).admitted, true); // bucket 1010
  const refused = await ask(300);
  assert.equal(refused.admitted, false);
  assert.equal(refused.reservationId, undefined);
  assert.equal(refused.remainingMs, 100);
  // Bucket 1000 stops counting at (1000 + 60 + 1) * 1000 = 1_061_000.
  assert.equal(refused.retryAfterMs, 1_061_000 - clock.t);
});

test('SPEC R55: the retry time walks past buckets that do not free enough on their own', async () => {
  const { clock, ask } = setup();
  await ask(100); // bucket 1000
  clock.t = T0 + 5000;
  await ask(800); // bucket 1005
  clock.t = T0 + 20_000;
  const refused = await ask(500); // needs 100 + 800 + 500 - 1000 = 400 ms freed: buckets 1000 and 1005
  assert.equal(refused.admitted, false);
  assert.equal(refused.retryAfterMs, (1005 + 61) * 1000 - clock.t);
});

test('SPEC R55: the window slides: time counts for at least windowMs after admission, then frees', async () => {
  const { clock, ask } = setup();
  clock.t = T0 + 999; // the end of bucket 1000
  assert.equal((await ask(1000)).admitted, true);
  clock.t = T0 + 999 + 60_000; // windowMs later: still counted
  assert.equal((await ask(1)).admitted, false);
  clock.t = 1_060_999; // the last instant bucket 1000 counts
  assert.equal((await ask(1)).admitted, false);
  clock.t = 1_061_000;
  const later = await ask(1000);
  assert.equal(later.admitted, true);
  assert.equal(later.remainingMs, 0);
});

test('SPEC R55: a window with no admissions for longer than itself starts empty', async () => {
  const { clock, ask } = setup();
  await ask(1000);
  clock.t = T0 + 10 * 60_000;
  const fresh = await ask(1000);
  assert.equal(fresh.admitted, true);
  assert.equal(fresh.executions, 1);
});

test('SPEC R55: a clock that steps back does not free budget', async () => {
  const { clock, ask } = setup();
  await ask(1000);
  clock.t = T0 - 120_000;
  assert.equal((await ask(1)).admitted, false);
});

test('SPEC R55: settle replaces the reservation with the measured time', async () => {
  const { store, ask } = setup();
  const a = await ask(600);
  await store.settle({ key: 'acct:1', reservationId: a.reservationId!, actualMs: 100, windowMs: 60_000 });
  const b = await ask(900);
  assert.equal(b.admitted, true);
  assert.equal(b.remainingMs, 0);
});

test('SPEC R55: a call that ran longer than its reservation is counted in full', async () => {
  const { store, ask } = setup();
  const a = await ask(100);
  await store.settle({ key: 'acct:1', reservationId: a.reservationId!, actualMs: 700, windowMs: 60_000 });
  assert.equal((await ask(301)).admitted, false);
  assert.equal((await ask(300)).admitted, true);
});

test('SPEC R55: settling a reservation whose bucket left the window changes nothing', async () => {
  const { clock, store, ask } = setup();
  const a = await ask(500);
  clock.t = T0 + 61_000;
  const b = await ask(1000);
  assert.equal(b.admitted, true);
  await store.settle({ key: 'acct:1', reservationId: a.reservationId!, actualMs: 0, windowMs: 60_000 });
  assert.equal((await ask(1)).admitted, false);
});

test('SPEC R55: maxExecutions counts executions in the window and refuses the next one', async () => {
  const { clock, ask } = setup();
  const limits = { maxExecutions: 2 };
  assert.equal((await ask(1, limits)).executions, 1);
  clock.t = T0 + 3000;
  assert.equal((await ask(1, limits)).executions, 2);
  const refused = await ask(1, limits);
  assert.equal(refused.admitted, false);
  assert.equal(refused.executions, 2);
  assert.equal(refused.retryAfterMs, 1_061_000 - clock.t);
});

test('SPEC R55: accounts have separate budgets', async () => {
  const { store, ask } = setup();
  await ask(1000);
  const other = await store.reserve({ key: 'acct:2', reserveMs: 1000, budgetMs: 1000, windowMs: 60_000, maxExecutions: null });
  assert.equal(other.admitted, true);
  assert.equal((await ask(1)).admitted, false);
});

test('SPEC R55: concurrent reservations cannot overspend the budget', async () => {
  const { ask } = setup();
  const results = await Promise.all(Array.from({ length: 50 }, () => ask(100)));
  assert.equal(results.filter((r) => r.admitted).length, 10);
});
