// The execution budget per account (SPEC R55) and the figures behind `context.limits` (SPEC R28).
//
// Admission charges what ran, as HubSpot counts it: a call is refused only when the account's
// time in the window has reached the budget, that is settled calls (their measured time, in the
// buckets they ran in: sliding-window.ts) plus the calls in flight (the larger of what they have
// used so far and what their functions are estimated to take: in-flight.ts). A function never
// measured is estimated at 0, never at its timeout, so a burst on a fresh server is admitted
// while budget is left. The check and the charge are one atomic step in the store (the memory
// store's synchronous code; one Lua script in Redis, on Redis's clock).
//
// Bound: at every admission the charge is under the budget, and the charge is at least what has
// run in the window. After the last admission only the calls then in flight can add time, so
// the execution time that runs in any window is under the budget plus, for each call in flight at
// the last admission (that call included), its timeout minus what it had used by then: less than
// the budget + (calls in flight) × timeout. Estimates shrink it in practice (a slow function is
// charged its expected time up front). Outside the bound: admissions while the store is down with
// `failOpen` (uncounted), calls still running after their entry expired (in-flight.ts), and the
// window's resolution (it holds `windowMs` to `windowMs` + one bucket).
//
// Store failures: every store call is raced against STORE_DEADLINE_MS. When it fails or is slow,
// the request is admitted uncounted (`failOpen: true`, the default) or refused with
// `retryAfterSeconds` 1 (`failOpen: false`); one warning per outage and a message at recovery.
import type { BudgetStore, ReserveRequest, ReserveResult } from './budget-store';
import type { ResolvedRateLimit } from '../options';
import type { FunctionsWarning, Limits } from '../types';
import { createDurationEstimate, type DurationEstimate } from './duration-estimate';
import { createMemoryBudgetStore } from './memory-budget-store';
import { createStoreHealth, describeFailure, raceDeadline, STORE_DEADLINE_MS, type StoreOutcome } from './store-health';

/** The default budget (HubSpot: 600 execution-seconds per minute, SPEC R55). */
const DEFAULT_BUDGET_MS = 600_000;

/** The answer to one admission. */
export interface Admission {
  admitted: boolean;
  /** What the function sees as `context.limits` (SPEC R28). */
  limits: Limits;
  /** Whole seconds (≥ 1) until the window frees enough, when refused; 0 when admitted. */
  retryAfterSeconds: number;
  /** Ends the call: its measured time joins the window. A no-op when refused; never throws. */
  settle(actualMs: number): void;
}

/** Admits or refuses executions against each account's budget. */
export interface Limiter {
  /**
   * @param functionId the function's definition id: its own running average is its estimate.
   * Synchronous when the store answers synchronously (the memory store), else a promise.
   */
  admit(accountId: number, functionId: string, timeoutMs: number): Admission | Promise<Admission>;
  /** Releases what the limiter created (a store passed in options stays the caller's to close). */
  close(): Promise<void>;
}

const NO_OP = (): void => {};

/**
 * Executions of `averageMs` that fit in `remainingMs` (SPEC R28: finite, integer ≥ 0). Before a
 * function is measured its timeout stands in: how many certainly fit.
 */
export function estimateExecutions(remainingMs: number, averageMs: number): number {
  return Math.max(0, Math.floor(remainingMs / Math.max(1, averageMs)));
}

function createOffLimiter(estimate: DurationEstimate): Limiter {
  return {
    admit(_accountId, functionId, timeoutMs) {
      // SPEC R28: still finite figures, the default budget as if untouched.
      const average = estimate.average(functionId) ?? timeoutMs;
      return {
        admitted: true,
        limits: { timeRemaining: DEFAULT_BUDGET_MS, executionsRemaining: estimateExecutions(DEFAULT_BUDGET_MS, average) },
        retryAfterSeconds: 0,
        settle: (actualMs) => estimate.record(functionId, actualMs),
      };
    },
    close: () => Promise.resolve(),
  };
}

/** What every admission of one limiter works with. */
interface LimiterState {
  rate: Readonly<ResolvedRateLimit>;
  store: BudgetStore;
  health: ReturnType<typeof createStoreHealth>;
  estimate: DurationEstimate;
}

/** One admission being decided. */
interface Call {
  functionId: string;
  average: number | null;
  timeoutMs: number;
  request: ReserveRequest;
}

function settleInStore(state: LimiterState, request: ReserveRequest, reservationId: string, actualMs: number): void {
  try {
    const settling = state.store.settle({ key: request.key, reservationId, actualMs, windowMs: request.windowMs });
    if (settling instanceof Promise) settling.catch((error: unknown) => state.health.markFailed(describeFailure({ kind: 'failed', error })));
  } catch (error) {
    state.health.markFailed(describeFailure({ kind: 'failed', error }));
  }
}

/**
 * An admitted call: `context.limits` from what is left, and a settle that counts once. `end` is
 * the store's call id (the hot path: no closure per call) or what to do instead.
 */
function admitted(state: LimiterState, call: Call, result: { remainingMs: number; executions: number | null }, end: string | ((actualMs: number) => void)): Admission {
  const { rate, estimate } = state;
  const timeRemaining = Math.max(0, Math.floor(result.remainingMs));
  const executionsRemaining = rate.maxExecutions !== null && result.executions !== null
    ? Math.max(0, rate.maxExecutions - result.executions)
    : estimateExecutions(timeRemaining, call.average ?? call.timeoutMs);
  let settled = false;
  return {
    admitted: true,
    limits: { timeRemaining, executionsRemaining },
    retryAfterSeconds: 0,
    settle(actualMs) {
      if (settled) return;
      settled = true;
      estimate.record(call.functionId, actualMs);
      if (typeof end === 'string') settleInStore(state, call.request, end, actualMs);
      else end(actualMs);
    },
  };
}

function fromResult(state: LimiterState, call: Call, result: ReserveResult): Admission {
  if (!result.admitted || result.reservationId === undefined) {
    return {
      admitted: false,
      limits: { timeRemaining: Math.max(0, Math.floor(result.remainingMs)), executionsRemaining: 0 },
      retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
      settle: NO_OP,
    };
  }
  return admitted(state, call, result, result.reservationId);
}

/** The answer without the store: admitted uncounted, or refused for a second (failOpen). */
function withoutStore(state: LimiterState, call: Call, late: Promise<ReserveResult> | null): Admission {
  // An admission that lands after the deadline is settled all the same, so it never lingers in
  // flight: with the measured time when the request ran, with 0 when it was refused.
  const settleLate = (actualMs: number): void => {
    late?.then(
      (r) => { if (r.admitted && r.reservationId !== undefined) settleInStore(state, call.request, r.reservationId, actualMs); },
      NO_OP,
    );
  };
  if (!state.rate.failOpen) {
    settleLate(0);
    return { admitted: false, limits: { timeRemaining: 0, executionsRemaining: 0 }, retryAfterSeconds: 1, settle: NO_OP };
  }
  // The store cannot tell what is left: show the budget as if untouched (finite, SPEC R28).
  return admitted(state, call, { remainingMs: state.rate.budgetMs, executions: null }, settleLate);
}

/** What the store's outcome means for this call. */
function decide(state: LimiterState, call: Call, outcome: StoreOutcome<ReserveResult>, pending: Promise<ReserveResult> | null): Admission {
  if (outcome.kind === 'ok') {
    state.health.markRecovered();
    return fromResult(state, call, outcome.value);
  }
  state.health.markFailed(describeFailure(outcome));
  return withoutStore(state, call, outcome.kind === 'timeout' ? pending : null);
}

/** One admission: synchronous when the store answers synchronously, else raced against its deadline. */
function admit(state: LimiterState, accountId: number, functionId: string, timeoutMs: number): Admission | Promise<Admission> {
  const { rate, health } = state;
  const average = state.estimate.average(functionId);
  const request: ReserveRequest = {
    key: `acct:${accountId}`,
    estimateMs: average === null ? 0 : Math.min(Math.round(average), timeoutMs),
    timeoutMs,
    budgetMs: rate.budgetMs,
    windowMs: rate.windowMs,
    maxExecutions: rate.maxExecutions,
  };
  const call: Call = { functionId, average, timeoutMs, request };
  const probing = health.down;
  if (probing && !health.tryStartProbe()) return withoutStore(state, call, null);
  let answer: ReserveResult | Promise<ReserveResult>;
  try {
    answer = state.store.reserve(request);
  } catch (error) {
    if (probing) health.endProbe();
    return decide(state, call, { kind: 'failed', error }, null);
  }
  if (!(answer instanceof Promise)) {
    // A store that answers synchronously (the memory store): no promise, no timer.
    if (probing) health.endProbe();
    return decide(state, call, { kind: 'ok', value: answer }, null);
  }
  const pending = answer;
  return raceDeadline(pending, STORE_DEADLINE_MS).then((outcome) => {
    if (probing) health.endProbe();
    return decide(state, call, outcome, pending);
  });
}

/**
 * Creates the limiter for resolved `rateLimit` options; `null` (rate limiting off) admits all.
 * @example
 * const limiter = createLimiter(options.rateLimit, { onWarning: options.onWarning });
 * const admission = await limiter.admit(accountId, fn.definition.id, options.timeoutMs);
 */
export function createLimiter(
  config: ResolvedRateLimit | null,
  hooks: { onWarning(warning: FunctionsWarning): void; now?: () => number },
): Limiter {
  const estimate = createDurationEstimate();
  if (config === null) return createOffLimiter(estimate);
  const ownStore = config.store === null;
  const state: LimiterState = {
    rate: config,
    store: config.store ?? createMemoryBudgetStore({ now: hooks.now }),
    health: createStoreHealth((w) => hooks.onWarning(w), config.failOpen),
    estimate,
  };
  return {
    admit: (accountId, functionId, timeoutMs) => admit(state, accountId, functionId, timeoutMs),
    async close() {
      if (ownStore) await state.store.close?.();
    },
  };
}
