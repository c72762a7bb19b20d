// Calls to a budget store with a bounded delay, and the outage bookkeeping behind fail-open
// (SPEC R55): one warning when the store stops answering, one message when it answers again.
import type { FunctionsWarning } from '../types';

/** The longest a request waits for the budget store before the limiter decides without it. */
export const STORE_DEADLINE_MS = 250;

/** How a store call ended within the deadline. */
export type StoreOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'failed'; error: unknown }
  | { kind: 'timeout' };

/**
 * Waits for `pending` at most `deadlineMs`. Never rejects: a late rejection is swallowed here,
 * the caller may still chain on `pending` for a late success.
 */
export function raceDeadline<T>(pending: Promise<T>, deadlineMs: number): Promise<StoreOutcome<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), deadlineMs);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve({ kind: 'ok', value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ kind: 'failed', error });
      },
    );
  });
}

/** The store's health as seen by one limiter. */
export interface StoreHealth {
  /** True between a failure and the next successful admission by the store. */
  readonly down: boolean;
  /** During an outage only one request at a time asks the store (the probe); the others skip it. */
  tryStartProbe(): boolean;
  endProbe(): void;
  markFailed(reason: string): void;
  markRecovered(): void;
}

/** Tracks outages and reports each one once, then its end. */
export function createStoreHealth(onWarning: (warning: FunctionsWarning) => void, failOpen: boolean): StoreHealth {
  let down = false;
  let probing = false;
  const warn = (warning: FunctionsWarning): void => {
    try {
      onWarning(warning);
    } catch {
      // A throwing warning sink must not turn a warning into a failed request.
    }
  };
  return {
    get down() {
      return down;
    },
    tryStartProbe() {
      if (probing) return false;
      probing = true;
      return true;
    },
    endProbe() {
      probing = false;
    },
    markFailed(reason) {
      if (down) return;
      down = true;
      const mode = failOpen
        ? 'requests are admitted without counting (rateLimit.failOpen is true)'
        : 'requests are refused with 429 (rateLimit.failOpen is false)';
      warn({
        code: 'HSF_WARN_RATE_LIMIT_STORE_DOWN',
        message: `the rate-limit budget store is unavailable (${reason}); until it answers again, ${mode}. Check the store (e.g. the Redis server) is reachable.`,
      });
    },
    markRecovered() {
      if (!down) return;
      down = false;
      warn({
        code: 'HSF_WARN_RATE_LIMIT_STORE_RECOVERED',
        message: 'the rate-limit budget store answers again; execution budgets are counted again.',
      });
    },
  };
}

/** A short description of why a store call failed, for the warning. */
export function describeFailure(outcome: { kind: 'failed'; error: unknown } | { kind: 'timeout' }): string {
  if (outcome.kind === 'timeout') return `no answer within ${STORE_DEADLINE_MS} ms`;
  const error = outcome.error;
  return error instanceof Error ? error.message : String(error);
}
