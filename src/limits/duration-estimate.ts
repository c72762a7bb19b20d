// Running averages of measured execution times, per account and overall. They size reservations
// (create-limiter.ts) and estimate `context.limits.executionsRemaining` when no count cap is set
// (SPEC R28). Kept in the process: an estimate needs no cross-process agreement.

/** Weight of the newest measurement in the exponential moving average. */
const SMOOTHING = 0.2;
/** Accounts remembered; the least recently measured is forgotten beyond it. */
const MAX_ACCOUNTS = 10_000;

/** Average execution times, as an exponential moving average. */
export interface DurationEstimate {
  /** The account's average (ms), else the average over all accounts, else null (nothing measured). */
  average(accountId: number): number | null;
  /** Records one measured execution time. */
  record(accountId: number, actualMs: number): void;
}

function blend(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + SMOOTHING * (sample - previous);
}

/** Creates an empty estimate. */
export function createDurationEstimate(): DurationEstimate {
  const perAccount = new Map<number, number>();
  let overall: number | undefined;
  return {
    average(accountId) {
      return perAccount.get(accountId) ?? overall ?? null;
    },
    record(accountId, actualMs) {
      if (!Number.isFinite(actualMs) || actualMs < 0) return;
      overall = blend(overall, actualMs);
      const next = blend(perAccount.get(accountId), actualMs);
      // Re-inserting keeps the Map in least-recently-measured order, so eviction is O(1).
      perAccount.delete(accountId);
      perAccount.set(accountId, next);
      if (perAccount.size > MAX_ACCOUNTS) {
        const oldest = perAccount.keys().next();
        if (oldest.done !== true) perAccount.delete(oldest.value);
      }
    },
  };
}
