// Running averages of measured execution times, per function (SPEC R55, R28). They are what a
// call in flight is expected to take (in-flight.ts) and size `context.limits.executionsRemaining`
// when no count cap is set. Per function, never per account: one account's fast functions must
// not make its slow one look cheap. Kept in the process: an estimate needs no cross-process
// agreement (each server learns its own; the store sums what each call was charged).

/** Weight of the newest measurement in the exponential moving average. */
const SMOOTHING = 0.2;
/** Functions remembered; the first measured is forgotten beyond it (ids come from the mounted folders). */
const MAX_FUNCTIONS = 10_000;

/** Average execution times, as an exponential moving average. */
export interface DurationEstimate {
  /** The function's average (ms), or null before it has been measured. */
  average(functionId: string): number | null;
  /** Records one measured execution time; 0 (a call refused before it ran) teaches nothing. */
  record(functionId: string, actualMs: number): void;
}

/** Creates an empty estimate. */
export function createDurationEstimate(): DurationEstimate {
  // A mutable entry per function: recording is one lookup, on every request's hot path.
  const perFunction = new Map<string, { ms: number }>();
  return {
    average(functionId) {
      return perFunction.get(functionId)?.ms ?? null;
    },
    record(functionId, actualMs) {
      if (!Number.isFinite(actualMs) || actualMs <= 0) return;
      const entry = perFunction.get(functionId);
      if (entry !== undefined) {
        entry.ms += SMOOTHING * (actualMs - entry.ms);
        return;
      }
      perFunction.set(functionId, { ms: actualMs });
      if (perFunction.size > MAX_FUNCTIONS) {
        const oldest = perFunction.keys().next();
        if (oldest.done !== true) perFunction.delete(oldest.value);
      }
    },
  };
}
