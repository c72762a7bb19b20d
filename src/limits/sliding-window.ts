// The window arithmetic shared by every budget store (SPEC R55), so the in-memory store and the
// Redis script count the same way.
//
// Window semantics: a sliding window kept in buckets. The window is cut into about 60 buckets
// (1 s each for the default 60 s window). A reservation, and later the measured time that replaces
// it, counts in the bucket of its admission. The budget in use is the sum of the current bucket
// and the `buckets` before it, so `buckets + 1` buckets in all: every millisecond admitted keeps
// counting for at least `windowMs` and at most `windowMs + bucketMs` after its admission. The
// window is therefore never shorter than `windowMs` (a burst at a minute's end cannot be followed
// by a fresh budget a second later, as a fixed window would allow), and costs a fixed
// `buckets + 1` slots per account whatever the traffic.
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
 * Encodes a reservation as `<bucket>:<reservedMs>`: settle() then knows where and how much to
 * correct without the store keeping per-reservation state.
 */
export function encodeReservation(bucket: number, reservedMs: number): string {
  return `${bucket}:${reservedMs}`;
}

/** Reads a reservation id written by encodeReservation; null when it is not one. */
export function decodeReservation(id: string): { bucket: number; reservedMs: number } | null {
  const match = /^(\d+):(\d+)$/.exec(id);
  if (match === null) return null;
  return { bucket: Number(match[1]), reservedMs: Number(match[2]) };
}
