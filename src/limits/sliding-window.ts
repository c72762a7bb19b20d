// The window arithmetic shared by every budget store (SPEC R55), so the in-memory store and the
// Redis script count the same way (in-flight.ts holds the part about calls still running).
//
// Window semantics: a sliding window kept in buckets. The window is cut into about 60 buckets
// (1 s each for the default 60 s window); the budget in use is the sum of the current bucket and
// the `buckets` before it, so `buckets + 1` buckets in all, a fixed number of slots per account
// whatever the traffic.
//
// A settled call's measured time is spread over the buckets it ran in: the interval
// [settle − measured, settle], cut at bucket boundaries (spreadOverBuckets). So the window holds
// the execution time that ran inside it, to a bucket's resolution: every millisecond counts for
// at least `windowMs` and at most `windowMs + bucketMs` after it ran, then frees. Counting a whole
// call in the bucket of its start instead would let a call longer than the window escape the
// budget entirely (its bucket has left by the time it ends), and spreading costs one write per
// bucket the call spanned (one or two for calls under a second). The window is never shorter than
// `windowMs`: a burst at a minute's end cannot be followed by a fresh budget a second later, as a
// fixed window would allow. Executions (for `maxExecutions`) count in the bucket of admission.
//
// A refused request may retry when the oldest buckets have left the window and freed enough: the
// bucket with index k leaves at `(k + buckets + 1) * bucketMs`.

/** How many buckets a window is cut into (the resolution of the sliding window). */
export const BUCKETS_PER_WINDOW = 60;

/** The bucket layout of one window length. */
export interface WindowGeometry {
  /** Length of one bucket (ms, integer ≥ 1). */
  bucketMs: number;
  /** Buckets that make up `windowMs`; the window counts `buckets + 1` of them. */
  buckets: number;
}

/** Cuts a window into integer-length buckets covering at least `windowMs`. */
export function computeGeometry(windowMs: number): WindowGeometry {
  const bucketMs = Math.max(1, Math.floor(windowMs / BUCKETS_PER_WINDOW));
  return { bucketMs, buckets: Math.ceil(windowMs / bucketMs) };
}

/** The index of the bucket holding the instant `nowMs`. */
export function bucketIndex(nowMs: number, geometry: WindowGeometry): number {
  return Math.floor(nowMs / geometry.bucketMs);
}

/** The instant (epoch ms) bucket `index` stops counting against the budget. */
export function bucketExpiry(index: number, geometry: WindowGeometry): number {
  return (index + geometry.buckets + 1) * geometry.bucketMs;
}

/**
 * Cuts the interval [endMs − ms, endMs) at bucket boundaries and hands each piece to `add`, from
 * bucket `oldest` on (what ran before the window no longer counts). Integer ms in, integer pieces
 * out, summing to `ms` when the whole interval is inside the window. The Redis settle script
 * (src/redis/budget-scripts.ts) does the same in Lua.
 */
export function spreadOverBuckets(
  endMs: number,
  ms: number,
  bucketMs: number,
  oldest: number,
  add: (bucket: number, ms: number) => void,
): void {
  if (ms <= 0) return;
  const startMs = endMs - ms;
  const last = Math.floor((endMs - 1) / bucketMs);
  for (let k = Math.max(Math.floor(startMs / bucketMs), oldest); k <= last; k++) {
    add(k, Math.min(endMs, (k + 1) * bucketMs) - Math.max(startMs, k * bucketMs));
  }
}
