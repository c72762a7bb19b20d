// The limiter (SPEC R55) and the figures it gives `context.limits` (SPEC R28): admission charges
// what ran, per-function estimates, Retry-After, and what happens when the store fails or hangs
// (issues #4, #10). Injected clock; the only real waits are the bounded store deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLimiter, estimateExecutions } from '../../src/limits/create-limiter';
import { createMemoryBudgetStore } from '../../src/limits/memory-budget-store';
import { STORE_DEADLINE_MS } from '../../src/limits/store-health';
import type { BudgetStore, ReserveResult, SettleRequest } from '../../src/limits/budget-store';
import type { ResolvedRateLimit } from '../../src/options';
import type { FunctionsWarning } from '../../src/types';

const T0 = 1_000_000; // the start of a 1 s bucket

function config(overrides: Partial<ResolvedRateLimit> = {}): ResolvedRateLimit {
  return { budgetMs: 1000, windowMs: 60_000, maxExecutions: null, store: null, failOpen: true, ...overrides };
}

function setup(overrides: Partial<ResolvedRateLimit> = {}) {
  const clock = { t: T0 };
  const warnings: FunctionsWarning[] = [];
  const limiter = createLimiter(config(overrides), { onWarning: (w) => warnings.push(w), now: () => clock.t });
  return { clock, warnings, limiter };
}

/** A store over the memory store that can be switched to throw, reject or hang. */
function switchableStore(clock: { t: number }) {
  const inner = createMemoryBudgetStore({ now: () => clock.t });
  const state = { mode: 'ok' as 'ok' | 'throw' | 'reject' | 'hang', reserveCalls: 0, settles: [] as SettleRequest[] };
  const store: BudgetStore = {
    reserve(request) {
      state.reserveCalls++;
      if (state.mode === 'throw') throw new Error('store down');
      if (state.mode === 'reject') return Promise.reject(new Error('store down'));
      if (state.mode === 'hang') return new Promise<ReserveResult>(() => {});
      return inner.reserve(request);
    },
    settle(request) {
      state.settles.push(request);
      return inner.settle(request);
    },
  };
  return { state, store };
}

const estimateCases = [
  { name: 'SPEC R28: executions of average length that fit', remainingMs: 1000, averageMs: 300, want: 3 },
  { name: 'SPEC R28: nothing left estimates 0', remainingMs: 0, averageMs: 300, want: 0 },
  { name: 'SPEC R28: an instant average stays finite', remainingMs: 600_000, averageMs: 0, want: 600_000 },
];
for (const t of estimateCases) {
  test(t.name, () => assert.equal(estimateExecutions(t.remainingMs, t.averageMs), t.want));
}

test('SPEC R55, issue #10: 61 concurrent first calls with a 10 s timeout are all admitted on the default budget', async () => {
  const { limiter } = setup({ budgetMs: 600_000 });
  const admissions = await Promise.all(Array.from({ length: 61 }, () => limiter.admit(1, 'fn', 10_000)));
  assert.equal(admissions.filter((a) => a.admitted).length, 61, 'nothing ran: nothing is charged');
});

test('SPEC R55, issue #10: a fast function\'s history does not make a slow function cheap', async () => {
  const { clock, limiter } = setup({ budgetMs: 1000 });
  const slow = await limiter.admit(1, 'slow', 10_000);
  clock.t += 1500;
  slow.settle(1500);
  for (let i = 0; i < 30; i++) {
    clock.t += 61_000; // one call per window, so each is admitted whatever the arithmetic
    (await limiter.admit(1, 'fast', 10_000)).settle(5);
  }
  clock.t += 61_000; // the history has left the window; the estimates stay
  // The slow function is charged its own 1.5 s while in flight: one call spends the budget.
  const burst = await Promise.all(Array.from({ length: 20 }, () => limiter.admit(1, 'slow', 10_000)));
  assert.equal(burst.filter((a) => a.admitted).length, 1);
  // The fast one's estimate is its own too: with the slow call in flight, nothing else fits.
  assert.equal((await limiter.admit(1, 'fast', 10_000)).admitted, false);
});

test('SPEC R55: estimates of calls in flight keep concurrent calls from overspending a 1000 ms budget', async () => {
  const { limiter } = setup();
  (await limiter.admit(1, 'fn', 1000)).settle(100); // fn's estimate: 100 ms
  const admissions = await Promise.all(Array.from({ length: 50 }, () => limiter.admit(1, 'fn', 1000)));
  assert.equal(admissions.filter((a) => a.admitted).length, 9, '100 ms settled + 9 × 100 ms in flight');
  for (const refused of admissions.filter((a) => !a.admitted)) assert.ok(refused.retryAfterSeconds >= 1);
});

test('SPEC R55: settle replaces the in-flight charge with the measured time', async () => {
  const { clock, limiter } = setup();
  (await limiter.admit(1, 'fn', 1000)).settle(900); // estimate 900
  const first = await limiter.admit(1, 'fn', 1000);
  assert.equal(first.limits.timeRemaining, 100);
  assert.equal((await limiter.admit(1, 'fn', 1000)).admitted, false, '900 settled + 900 in flight');
  clock.t += 50;
  first.settle(50);
  const next = await limiter.admit(1, 'fn', 1000);
  assert.equal(next.admitted, true);
  assert.equal(next.limits.timeRemaining, 50);
});

test('SPEC R55: Retry-After is whole seconds, rounded up, until the window frees enough', async () => {
  const { clock, limiter } = setup();
  const first = await limiter.admit(1, 'fn', 1000);
  clock.t = T0 + 1000;
  first.settle(1000); // bucket 1000, frees at 1_061_000
  clock.t = T0 + 30_500;
  const refused = await limiter.admit(1, 'fn', 1000);
  assert.equal(refused.admitted, false);
  assert.equal(refused.retryAfterSeconds, 31); // 30.5 s → 31
  clock.t = 1_060_999;
  assert.equal((await limiter.admit(1, 'fn', 1000)).retryAfterSeconds, 1); // 1 ms → 1 s, never 0
  clock.t = 1_061_000;
  assert.equal((await limiter.admit(1, 'fn', 1000)).admitted, true);
});

test('SPEC R28, issue #10: the first call of a fresh budget sees all of it; executionsRemaining follows the function\'s own average', async () => {
  const { clock, limiter } = setup({ budgetMs: 600_000 });
  const first = await limiter.admit(7, 'fn', 10_000);
  // Nothing ran; never measured, its timeout stands in for its length.
  assert.deepStrictEqual(first.limits, { timeRemaining: 600_000, executionsRemaining: 60 });
  clock.t += 100;
  first.settle(100);
  const second = await limiter.admit(7, 'fn', 10_000);
  assert.deepStrictEqual(second.limits, { timeRemaining: 600_000 - 100, executionsRemaining: Math.floor((600_000 - 100) / 100) });
  second.settle(100);
  (await limiter.admit(7, 'other', 10_000)).settle(1000);
  const other = await limiter.admit(7, 'other', 10_000);
  assert.equal(other.limits.timeRemaining, 600_000 - 1200);
  assert.equal(other.limits.executionsRemaining, Math.floor((600_000 - 1200) / 1000), 'its own 1 s average');
  assert.ok(Number.isInteger(other.limits.executionsRemaining));
});

test('SPEC R28: with maxExecutions, executionsRemaining is the count left', async () => {
  const { limiter } = setup({ budgetMs: 600_000, maxExecutions: 3 });
  assert.equal((await limiter.admit(1, 'fn', 100)).limits.executionsRemaining, 2);
  assert.equal((await limiter.admit(1, 'fn', 100)).limits.executionsRemaining, 1);
  assert.equal((await limiter.admit(1, 'fn', 100)).limits.executionsRemaining, 0);
  const refused = await limiter.admit(1, 'fn', 100);
  assert.equal(refused.admitted, false);
  assert.ok(refused.retryAfterSeconds >= 1);
});

test('SPEC R28/R55: rate limiting off admits everything and shows the untouched default budget', async () => {
  const limiter = createLimiter(null, { onWarning: () => assert.fail('no warning expected') });
  for (let i = 0; i < 1000; i++) {
    const admission = await limiter.admit(1, 'fn', 10_000);
    assert.equal(admission.admitted, true);
    admission.settle(10_000);
  }
  const last = await limiter.admit(1, 'fn', 10_000);
  assert.deepStrictEqual(last.limits, { timeRemaining: 600_000, executionsRemaining: 60 });
  await limiter.close();
});

test('SPEC R55: settle on a refused admission is a no-op, and settling twice counts once', async () => {
  const { clock } = setup();
  const { state, store } = switchableStore(clock);
  const limiter = createLimiter(config({ store, maxExecutions: 1 }), { onWarning: () => {}, now: () => clock.t });
  const admitted = await limiter.admit(1, 'fn', 500);
  admitted.settle(100);
  admitted.settle(100);
  const refused = await limiter.admit(1, 'fn', 500);
  assert.equal(refused.admitted, false);
  refused.settle(50);
  assert.equal(state.settles.length, 1);
});

const outageModes = ['throw', 'reject'] as const;
for (const mode of outageModes) {
  test(`SPEC R55: fail-open: a store that fails (${mode}) admits, with one warning per outage and a recovery message`, async () => {
    const clock = { t: T0 };
    const { state, store } = switchableStore(clock);
    const warnings: FunctionsWarning[] = [];
    const limiter = createLimiter(config({ store }), { onWarning: (w) => warnings.push(w), now: () => clock.t });
    state.mode = mode;
    for (let i = 0; i < 5; i++) {
      const admission = await limiter.admit(1, 'fn', 100);
      assert.equal(admission.admitted, true);
      assert.ok(Number.isFinite(admission.limits.timeRemaining) && Number.isFinite(admission.limits.executionsRemaining));
      admission.settle(50);
    }
    assert.deepStrictEqual(warnings.map((w) => w.code), ['HSF_WARN_RATE_LIMIT_STORE_DOWN']);
    state.mode = 'ok';
    assert.equal((await limiter.admit(1, 'fn', 100)).admitted, true);
    await limiter.admit(1, 'fn', 100);
    assert.deepStrictEqual(warnings.map((w) => w.code), ['HSF_WARN_RATE_LIMIT_STORE_DOWN', 'HSF_WARN_RATE_LIMIT_STORE_RECOVERED']);
    state.mode = mode;
    await limiter.admit(1, 'fn', 100);
    assert.equal(warnings.length, 3);
    assert.equal(warnings[2]!.code, 'HSF_WARN_RATE_LIMIT_STORE_DOWN');
  });

  test(`SPEC R55: fail-closed: a store that fails (${mode}) refuses with Retry-After 1`, async () => {
    const clock = { t: T0 };
    const { state, store } = switchableStore(clock);
    const warnings: FunctionsWarning[] = [];
    const limiter = createLimiter(config({ store, failOpen: false }), { onWarning: (w) => warnings.push(w), now: () => clock.t });
    state.mode = mode;
    const refused = await limiter.admit(1, 'fn', 100);
    assert.equal(refused.admitted, false);
    assert.equal(refused.retryAfterSeconds, 1);
    assert.equal(warnings.length, 1);
  });
}

test('SPEC R55: fail-open: a hanging store delays a request by a bounded time, then admits', async () => {
  const clock = { t: T0 };
  const { state, store } = switchableStore(clock);
  const warnings: FunctionsWarning[] = [];
  const limiter = createLimiter(config({ store }), { onWarning: (w) => warnings.push(w), now: () => clock.t });
  state.mode = 'hang';
  const started = performance.now();
  const admission = await limiter.admit(1, 'fn', 100);
  assert.ok(performance.now() - started < STORE_DEADLINE_MS * 4, 'answered within the bound');
  assert.equal(admission.admitted, true);
  assert.equal(warnings.length, 1);
});

test('SPEC R55: fail-closed: a hanging store refuses within the bound', async () => {
  const clock = { t: T0 };
  const { state, store } = switchableStore(clock);
  const limiter = createLimiter(config({ store, failOpen: false }), { onWarning: () => {}, now: () => clock.t });
  state.mode = 'hang';
  const started = performance.now();
  const admission = await limiter.admit(1, 'fn', 100);
  assert.ok(performance.now() - started < STORE_DEADLINE_MS * 4, 'answered within the bound');
  assert.equal(admission.admitted, false);
  assert.equal(admission.retryAfterSeconds, 1);
});

test('SPEC R55: during an outage only one request at a time waits for the store', async () => {
  const clock = { t: T0 };
  const { state, store } = switchableStore(clock);
  const limiter = createLimiter(config({ store }), { onWarning: () => {}, now: () => clock.t });
  state.mode = 'hang';
  await limiter.admit(1, 'fn', 100);
  const callsBefore = state.reserveCalls;
  const admissions = await Promise.all(Array.from({ length: 20 }, () => limiter.admit(1, 'fn', 100)));
  assert.ok(admissions.every((a) => a.admitted));
  assert.equal(state.reserveCalls - callsBefore, 1);
});

test('SPEC R55: a reservation that lands after the deadline is settled with the measured time', async () => {
  const clock = { t: T0 };
  const inner = createMemoryBudgetStore({ now: () => clock.t });
  const settles: SettleRequest[] = [];
  let release: () => void = () => {};
  const store: BudgetStore = {
    reserve: (request) => new Promise((resolve) => { release = () => resolve(inner.reserve(request)); }),
    settle: async (request) => { settles.push(request); await inner.settle(request); },
  };
  const limiter = createLimiter(config({ store }), { onWarning: () => {}, now: () => clock.t });
  const admission = await limiter.admit(1, 'fn', 100); // times out: admitted uncounted
  assert.equal(admission.admitted, true);
  admission.settle(42);
  release();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settles.length, 1);
  assert.equal(settles[0]!.actualMs, 42);
});

test('SPEC R55: settle never throws, even when the store throws or rejects; it warns instead', async () => {
  const clock = { t: T0 };
  const inner = createMemoryBudgetStore({ now: () => clock.t });
  const warnings: FunctionsWarning[] = [];
  let syncThrow = true;
  const store: BudgetStore = {
    reserve: (request) => inner.reserve(request),
    settle: () => {
      if (syncThrow) throw new Error('boom');
      return Promise.reject(new Error('boom'));
    },
  };
  const limiter = createLimiter(config({ store }), { onWarning: (w) => warnings.push(w), now: () => clock.t });
  const a = await limiter.admit(1, 'fn', 100);
  assert.doesNotThrow(() => a.settle(10));
  syncThrow = false;
  const b = await limiter.admit(1, 'fn', 100); // a successful reservation: the store recovered
  assert.doesNotThrow(() => b.settle(10));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepStrictEqual(warnings.map((w) => w.code), [
    'HSF_WARN_RATE_LIMIT_STORE_DOWN',
    'HSF_WARN_RATE_LIMIT_STORE_RECOVERED',
    'HSF_WARN_RATE_LIMIT_STORE_DOWN',
  ]);
});

test('SPEC R55: close() leaves a store passed in options open', async () => {
  let closed = 0;
  const clock = { t: T0 };
  const inner = createMemoryBudgetStore({ now: () => clock.t });
  const store: BudgetStore = { reserve: inner.reserve, settle: inner.settle, close: async () => { closed++; } };
  const limiter = createLimiter(config({ store }), { onWarning: () => {} });
  await limiter.close();
  assert.equal(closed, 0);
});
