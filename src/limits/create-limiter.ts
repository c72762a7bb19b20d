// The execution budget per account (SPEC R55) and the figures behind `context.limits` (SPEC R28).
//
// Reservation: admission reserves time up front, atomically in the store, and the measured wall
// time replaces the reservation when the call ends. The reservation is an estimate, not the whole
// timeout: twice the account's running average execution time (or the average over all accounts),
// capped by the call's `timeoutMs` and by the budget; before anything has been measured it is the
// whole `timeoutMs`. Reserving the whole timeout would refuse requests while most of the budget is
// still unspent (a 10 s timeout would turn away every request in the last 10 s of budget).
//
// Guarantee: at every admission, settled time plus outstanding reservations in the window stay
// within the budget. So the execution time admitted in a window never exceeds the budget plus the
// overrun of the calls in flight: at most, for each call in flight, its `timeoutMs` minus its
// reservation (zero for calls reserved at their full timeout).
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
/** Reservation = this many times the average execution time (headroom for slower calls). */
const RESERVE_HEADROOM = 2;

/** The answer to one admission. */
export interface Admission {
  admitted: boolean;
  /** What the function sees as `context.limits` (SPEC R28). */
  limits: Limits;
  /** Whole seconds (≥ 1) until the window frees enough, when refused; 0 when admitted. */
  retryAfterSeconds: number;
  /** Replaces the reservation with the measured time. A no-op when refused; never throws. */
  settle(actualMs: number): void;
}

/** Admits or refuses executions against each account's budget. */
export interface Limiter {
  admit(accountId: number, timeoutMs: number): Promise<Admission>;
  /** Releases what the limiter created (a store passed in options stays the caller's to close). */
  close(): Promise<void>;
}

const NO_OP = (): void => {};

/** How much of the budget one call reserves at admission (see the comment at the top). */
export function computeReservation(average: number | null, timeoutMs: number, budgetMs: number): number {
  const cap = Math.max(1, Math.min(Math.ceil(timeoutMs), budgetMs));
  if (average === null) return cap;
  return Math.min(cap, Math.max(1, Math.ceil(average * RESERVE_HEADROOM)));
}

/** Executions of average length that fit in `remainingMs` (SPEC R28: finite, integer ≥ 0). */
export function estimateExecutions(remainingMs: number, averageMs: number): number {
  return Math.max(0, Math.floor(remainingMs / Math.max(1, averageMs)));
}

function createOffLimiter(estimate: DurationEstimate): Limiter {
  return {
    async admit(accountId, timeoutMs) {
      // SPEC R28: still finite figures, the default budget as if untouched.
      const average = estimate.average(accountId) ?? Math.max(1, timeoutMs);
      return {
        admitted: true,
        limits: { timeRemaining: DEFAULT_BUDGET_MS, executionsRemaining: estimateExecutions(DEFAULT_BUDGET_MS, average) },
        retryAfterSeconds: 0,
        settle: (actualMs) => estimate.record(accountId, actualMs),
      };
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Creates the limiter for resolved `rateLimit` options; `null` (rate limiting off) admits all.
 * @example
 * const limiter = createLimiter(options.rateLimit, { onWarning: options.onWarning });
 * const admission = await limiter.admit(accountId, options.timeoutMs);
 */
export function createLimiter(
  config: ResolvedRateLimit | null,
  hooks: { onWarning(warning: FunctionsWarning): void; now?: () => number },
): Limiter {
  const estimate = createDurationEstimate();
  if (config === null) return createOffLimiter(estimate);
  const rate: Readonly<ResolvedRateLimit> = config;
  const ownStore = rate.store === null;
  const store: BudgetStore = rate.store ?? createMemoryBudgetStore({ now: hooks.now });
  const health = createStoreHealth((w) => hooks.onWarning(w), rate.failOpen);

  function callReserve(request: ReserveRequest): Promise<ReserveResult> {
    try {
      return Promise.resolve(store.reserve(request));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function settleInStore(request: ReserveRequest, reservationId: string, actualMs: number): void {
    try {
      store
        .settle({ key: request.key, reservationId, actualMs, windowMs: request.windowMs })
        .catch((error: unknown) => health.markFailed(describeFailure({ kind: 'failed', error })));
    } catch (error) {
      health.markFailed(describeFailure({ kind: 'failed', error }));
    }
  }

  function fromResult(accountId: number, request: ReserveRequest, result: ReserveResult): Admission {
    const average = estimate.average(accountId) ?? request.reserveMs;
    if (!result.admitted || result.reservationId === undefined) {
      return {
        admitted: false,
        limits: { timeRemaining: Math.max(0, Math.floor(result.remainingMs)), executionsRemaining: 0 },
        retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
        settle: NO_OP,
      };
    }
    const reservationId = result.reservationId;
    const timeRemaining = Math.max(0, Math.floor(result.remainingMs));
    const executionsRemaining = rate.maxExecutions === null
      ? estimateExecutions(timeRemaining, average)
      : Math.max(0, rate.maxExecutions - result.executions);
    let settled = false;
    return {
      admitted: true,
      limits: { timeRemaining, executionsRemaining },
      retryAfterSeconds: 0,
      settle(actualMs) {
        if (settled) return;
        settled = true;
        estimate.record(accountId, actualMs);
        settleInStore(request, reservationId, actualMs);
      },
    };
  }

  /** The answer without the store: admitted uncounted, or refused for a second (failOpen). */
  function withoutStore(accountId: number, request: ReserveRequest, late: Promise<ReserveResult> | null): Admission {
    // A reservation that lands after the deadline is settled all the same, so it never leaks:
    // with the measured time when the request ran, with 0 when it was refused.
    const settleLate = (actualMs: number): void => {
      late?.then(
        (r) => { if (r.admitted && r.reservationId !== undefined) settleInStore(request, r.reservationId, actualMs); },
        NO_OP,
      );
    };
    if (!rate.failOpen) {
      settleLate(0);
      return { admitted: false, limits: { timeRemaining: 0, executionsRemaining: 0 }, retryAfterSeconds: 1, settle: NO_OP };
    }
    const average = estimate.average(accountId) ?? request.reserveMs;
    let settled = false;
    return {
      admitted: true,
      // The store cannot tell what is left: show the budget as if untouched (finite, SPEC R28).
      limits: { timeRemaining: rate.budgetMs, executionsRemaining: estimateExecutions(rate.budgetMs, average) },
      retryAfterSeconds: 0,
      settle(actualMs) {
        if (settled) return;
        settled = true;
        estimate.record(accountId, actualMs);
        settleLate(actualMs);
      },
    };
  }

  return {
    async admit(accountId, timeoutMs) {
      const request: ReserveRequest = {
        key: `acct:${accountId}`,
        reserveMs: computeReservation(estimate.average(accountId), timeoutMs, rate.budgetMs),
        budgetMs: rate.budgetMs,
        windowMs: rate.windowMs,
        maxExecutions: rate.maxExecutions,
      };
      const probing = health.down;
      if (probing && !health.tryStartProbe()) return withoutStore(accountId, request, null);
      const pending = callReserve(request);
      let outcome: StoreOutcome<ReserveResult>;
      try {
        // The built-in memory store answers synchronously: no timer on its hot path.
        outcome = ownStore
          ? await pending.then((value) => ({ kind: 'ok' as const, value }), (error: unknown) => ({ kind: 'failed' as const, error }))
          : await raceDeadline(pending, STORE_DEADLINE_MS);
      } finally {
        if (probing) health.endProbe();
      }
      if (outcome.kind === 'ok') {
        health.markRecovered();
        return fromResult(accountId, request, outcome.value);
      }
      health.markFailed(describeFailure(outcome));
      return withoutStore(accountId, request, outcome.kind === 'timeout' ? pending : null);
    },
    async close() {
      if (ownStore) await store.close?.();
    },
  };
}
