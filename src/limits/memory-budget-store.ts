// The default budget store (SPEC R55): one process, no setup. It is on the hot path of every
// request, so each call is O(1) amortised: a fixed ring of buckets per account (sliding-window.ts)
// with running totals, advanced bucket by bucket, never a scan of past requests. Everything
// between the check and the reservation is synchronous, which is what makes it atomic here.
import type { BudgetStore, ReserveRequest, ReserveResult, SettleRequest } from './budget-store';
import {
  bucketExpiry,
  bucketIndex,
  computeGeometry,
  decodeReservation,
  encodeReservation,
  type WindowGeometry,
} from './sliding-window';

interface AccountWindow {
  windowMs: number;
  geometry: WindowGeometry;
  /** Index of the newest bucket; the ring holds `head - buckets .. head`. */
  head: number;
  ms: Float64Array;
  counts: Uint32Array;
  usedMs: number;
  executions: number;
}

function slotOf(index: number, size: number): number {
  return ((index % size) + size) % size;
}

function createWindow(windowMs: number, head: number): AccountWindow {
  const geometry = computeGeometry(windowMs);
  const size = geometry.buckets + 1;
  return { windowMs, geometry, head, ms: new Float64Array(size), counts: new Uint32Array(size), usedMs: 0, executions: 0 };
}

/** Moves the window to bucket `current`, dropping the buckets that left it. */
function advance(w: AccountWindow, current: number): void {
  // A clock that steps back keeps the newest bucket: time never un-expires a bucket.
  if (current <= w.head) return;
  const size = w.geometry.buckets + 1;
  if (current - w.head >= size) {
    w.ms.fill(0);
    w.counts.fill(0);
    w.usedMs = 0;
    w.executions = 0;
  } else {
    for (let k = w.head + 1; k <= current; k++) {
      const slot = slotOf(k, size);
      w.usedMs -= w.ms[slot];
      w.executions -= w.counts[slot];
      w.ms[slot] = 0;
      w.counts[slot] = 0;
    }
  }
  w.head = current;
}

/** Ms until the oldest buckets free `needMs` and `needExecutions` (walks at most buckets + 1). */
function computeRetryAfter(w: AccountWindow, nowMs: number, needMs: number, needExecutions: number): number {
  const size = w.geometry.buckets + 1;
  let freedMs = 0;
  let freedExecutions = 0;
  for (let k = w.head - w.geometry.buckets; k <= w.head; k++) {
    const slot = slotOf(k, size);
    freedMs += w.ms[slot];
    freedExecutions += w.counts[slot];
    if (freedMs >= needMs && freedExecutions >= needExecutions) return bucketExpiry(k, w.geometry) - nowMs;
  }
  // Only reachable when the reservation alone is over the budget; the limiter clamps it.
  return bucketExpiry(w.head, w.geometry) - nowMs;
}

/**
 * Creates the in-memory budget store: one budget per account within this process.
 * @example
 * const store = createMemoryBudgetStore({ now: () => clock });
 */
export function createMemoryBudgetStore(options: { now?: () => number } = {}): BudgetStore {
  const now = options.now ?? Date.now;
  const accounts = new Map<string, AccountWindow>();
  let lastSweep = now();

  /** Forgets accounts idle for a whole window, once per window: amortised O(1) per request. */
  function sweep(nowMs: number, windowMs: number): void {
    if (nowMs - lastSweep < windowMs) return;
    lastSweep = nowMs;
    for (const [key, w] of accounts) {
      if (bucketIndex(nowMs, w.geometry) - w.head > w.geometry.buckets) accounts.delete(key);
    }
  }

  function reserve(request: ReserveRequest): ReserveResult {
    const nowMs = now();
    sweep(nowMs, request.windowMs);
    let w = accounts.get(request.key);
    if (w === undefined || w.windowMs !== request.windowMs) {
      w = createWindow(request.windowMs, bucketIndex(nowMs, computeGeometry(request.windowMs)));
      accounts.set(request.key, w);
    }
    advance(w, bucketIndex(nowMs, w.geometry));
    const needMs = w.usedMs + request.reserveMs - request.budgetMs;
    const needExecutions = request.maxExecutions === null ? 0 : w.executions + 1 - request.maxExecutions;
    if (needMs <= 0 && needExecutions <= 0) {
      const slot = slotOf(w.head, w.geometry.buckets + 1);
      w.ms[slot] += request.reserveMs;
      w.counts[slot] += 1;
      w.usedMs += request.reserveMs;
      w.executions += 1;
      return {
        admitted: true,
        reservationId: encodeReservation(w.head, request.reserveMs),
        remainingMs: Math.max(0, request.budgetMs - w.usedMs),
        executions: w.executions,
        retryAfterMs: 0,
      };
    }
    return {
      admitted: false,
      remainingMs: Math.max(0, request.budgetMs - w.usedMs),
      executions: w.executions,
      retryAfterMs: computeRetryAfter(w, nowMs, needMs, needExecutions),
    };
  }

  function settle(request: SettleRequest): void {
    const w = accounts.get(request.key);
    const reservation = decodeReservation(request.reservationId);
    if (w === undefined || reservation === null || w.windowMs !== request.windowMs) return;
    // A bucket that already left the window has nothing left to correct.
    if (reservation.bucket > w.head || reservation.bucket < w.head - w.geometry.buckets) return;
    const slot = slotOf(reservation.bucket, w.geometry.buckets + 1);
    const before = w.ms[slot];
    const after = Math.max(0, before + Math.max(0, Math.round(request.actualMs)) - reservation.reservedMs);
    w.ms[slot] = after;
    w.usedMs += after - before;
  }

  return {
    reserve: (request) => Promise.resolve(reserve(request)),
    settle: (request) => {
      settle(request);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
