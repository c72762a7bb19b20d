// What calls still running count against the budget (SPEC R55), shared by the memory store and
// the Redis script (src/redis/budget-scripts.ts) so both charge the same.
//
// A call in flight has used `now − start` so far (start = its admission, by the store's clock)
// and is expected to take its function's running average (the estimate, 0 for a function never
// measured: never a cold start's worst case, the timeout). The account's calls in flight count
//
//   max(Σ (now − start), Σ estimate)
//
// kept as three running totals per account (count, Σ start, Σ estimate), so the charge is O(1)
// whatever the concurrency. The first term charges what ran, however wrong the estimates; the
// second keeps a burst of a function known to be slow from being admitted as if it were free
// (20 concurrent calls of a 1.5 s function on a 1 s budget: the first one is charged 1.5 s and
// the rest are refused). Per call, max(elapsed, estimate) would be tighter but needs a scan;
// the sum of maxima is at most twice the max of the sums.
//
// A call that started before the window and still runs counts all it has used since its start,
// the part older than the window included (conservative; it only matters when a timeout is
// longer than the window). Once it settles, only the part inside the window counts
// (sliding-window.ts).
//
// A crashed server never settles its calls: each in-flight entry expires `timeout +
// IN_FLIGHT_GRACE_MS` after its admission and stops counting. A call settled after its entry
// expired (it waited longer than the grace, e.g. in a worker queue) still adds its measured time.

/** Starts are kept relative to this instant so `count × now − Σ start` stays exact in doubles. */
export const START_EPOCH_MS = 1_700_000_000_000;

/** How long past its timeout an unsettled call keeps counting before it is taken for a ghost. */
export const IN_FLIGHT_GRACE_MS = 10_000;

/** What the account's calls in flight count (ms, integer when the inputs are). */
export function computeInFlightCharge(count: number, sumStarts: number, sumEstimates: number, nowMs: number): number {
  if (count <= 0) return 0;
  return Math.max(count * (nowMs - START_EPOCH_MS) - sumStarts, sumEstimates);
}
