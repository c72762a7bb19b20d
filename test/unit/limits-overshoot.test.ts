// The documented bound of the execution budget (SPEC R55, issue #10; create-limiter.ts): at any
// instant, the execution time that ran in the last windowMs is under the budget plus, for each
// call in flight at the last admission, its timeout minus what it had used by then. A simulated
// load on an injected clock, deterministic (a fixed pseudo-random sequence): no sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLimiter, type Admission } from '../../src/limits/create-limiter';

const WINDOW_MS = 10_000;
const BUDGET_MS = 5_000;
const TIMEOUT_MS = 2_000;
const TICK_MS = 5;

/** A linear congruential generator: the same load on every run. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface Call { start: number; end: number; admission: Admission }

test('SPEC R55, issue #10: the time run in any window stays under the budget plus what the calls in flight could still run', async () => {
  const random = sequence(42);
  const clock = { t: 1_000_000 };
  const limiter = createLimiter(
    { budgetMs: BUDGET_MS, windowMs: WINDOW_MS, maxExecutions: null, store: null, failOpen: true },
    { onWarning: () => assert.fail('no warning expected'), now: () => clock.t },
  );
  // Three functions, fast, middling and slow (up to the timeout), all cold at first.
  const profiles = [{ id: 'fast', max: 50 }, { id: 'mid', max: 400 }, { id: 'slow', max: TIMEOUT_MS }];
  let calls: Call[] = [];
  let slack = 0;
  let worst = -Infinity;
  let refused = 0;
  let admitted = 0;
  const end = clock.t + 120_000;
  for (; clock.t < end; clock.t += TICK_MS) {
    for (const call of calls) if (call.end === clock.t) call.admission.settle(call.end - call.start);
    const arrivals = Math.floor(random() * 4);
    for (let i = 0; i < arrivals; i++) {
      const profile = profiles[Math.floor(random() * profiles.length)]!;
      const admission = await limiter.admit(1, profile.id, TIMEOUT_MS);
      if (!admission.admitted) { refused++; continue; }
      admitted++;
      const ticks = 1 + Math.floor(random() * (profile.max / TICK_MS));
      calls.push({ start: clock.t, end: clock.t + Math.min(ticks * TICK_MS, TIMEOUT_MS), admission });
      slack = calls.filter((c) => c.end > clock.t).reduce((sum, c) => sum + TIMEOUT_MS - (clock.t - c.start), 0);
    }
    // What ran in (t − W, t]: each call's interval clipped to the window and to now.
    const from = clock.t - WINDOW_MS;
    const ran = calls.reduce((sum, c) => sum + Math.max(0, Math.min(c.end, clock.t) - Math.max(c.start, from)), 0);
    worst = Math.max(worst, ran - BUDGET_MS);
    assert.ok(ran < BUDGET_MS + slack, `at ${clock.t}: ran ${ran} ms, bound ${BUDGET_MS} + ${slack}`);
    calls = calls.filter((c) => c.end > from);
  }
  // Not vacuous: the load was over the budget, refused, and the budget was used.
  assert.ok(refused > 100 && admitted > 100, `admitted ${admitted}, refused ${refused}`);
  assert.ok(worst > -BUDGET_MS * 0.2, `the budget was used (at most ${worst} ms over it)`);
});
