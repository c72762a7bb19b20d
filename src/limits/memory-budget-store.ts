// The default budget store (SPEC R55): one process, no setup. It is on the hot path of every
// request, so each call is O(1) amortised: a fixed ring of buckets per account (sliding-window.ts)
// with running totals, advanced bucket by bucket, and running totals of the calls in flight
// (in-flight.ts), never a scan of past requests. Everything between the check and the charge is
// synchronous, which is what makes it atomic here. The Redis script does the same steps.
import type { BudgetStore, ReserveRequest, ReserveResult, SettleRequest } from './budget-store';
import { computeInFlightCharge, IN_FLIGHT_GRACE_MS, START_EPOCH_MS } from './in-flight';
import { bucketExpiry, bucketIndex, computeGeometry, spreadOverBuckets, type WindowGeometry } from './sliding-window';

interface InFlightCall {
  start: number;
  estimate: number;
  expiry: number;
}

interface AccountWindow {
  windowMs: number;
  geometry: WindowGeometry;
  /** Index of the newest bucket; the ring holds `head - buckets .. head`. */
  head: number;
  ms: Float64Array;
  counts: Uint32Array;
  usedMs: number;
  executions: number;
  calls: Map<number, InFlightCall>;
  /** Σ (start − START_EPOCH_MS) and Σ estimate of `calls`. */
  sumStarts: number;
  sumEstimates: number;
  /** At most the earliest expiry in `calls`: before it, no call can have expired. */
  nextExpiry: number;
  /** Adds settled ms to a bucket of the window (made once per window: no closure per call). */
  readonly addSettled: (bucket: number, ms: number) => void;
}

function slotOf(index: number, size: number): number {
  return ((index % size) + size) % size;
}

function createWindow(windowMs: number, nowMs: number): AccountWindow {
  const geometry = computeGeometry(windowMs);
  const size = geometry.buckets + 1;
  const w: AccountWindow = {
    windowMs, geometry, head: bucketIndex(nowMs, geometry), ms: new Float64Array(size), counts: new Uint32Array(size),
    usedMs: 0, executions: 0, calls: new Map(), sumStarts: 0, sumEstimates: 0, nextExpiry: Infinity,
    addSettled(bucket, ms) {
      // Called after advance(): `bucket` ≤ head, even with a clock that stepped back.
      w.ms[slotOf(bucket, size)] += ms;
      w.usedMs += ms;
    },
  };
  return w;
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

function removeCall(w: AccountWindow, id: number, call: InFlightCall): void {
  w.calls.delete(id);
  if (w.calls.size === 0) {
    w.sumStarts = 0;
    w.sumEstimates = 0;
    w.nextExpiry = Infinity;
    return;
  }
  w.sumStarts -= call.start - START_EPOCH_MS;
  w.sumEstimates -= call.estimate;
}

/**
 * Drops the calls whose entry expired (a lost settle). Scans only once `nextExpiry` is reached;
 * a settled call can leave `nextExpiry` early, which costs one scan that finds nothing.
 */
function expireCalls(w: AccountWindow, nowMs: number): void {
  if (nowMs < w.nextExpiry) return;
  let next = Infinity;
  for (const [id, call] of w.calls) {
    if (call.expiry <= nowMs) removeCall(w, id, call);
    else if (call.expiry < next) next = call.expiry;
  }
  w.nextExpiry = next;
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
  // The calls in flight alone are over the budget: their time lands in this bucket or later.
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
  let lastId = 0;

  /** Forgets accounts idle for a whole window, once per window: amortised O(1) per request. */
  function sweep(nowMs: number, windowMs: number): void {
    if (nowMs - lastSweep < windowMs) return;
    lastSweep = nowMs;
    for (const [key, w] of accounts) {
      expireCalls(w, nowMs);
      if (w.calls.size === 0 && bucketIndex(nowMs, w.geometry) - w.head > w.geometry.buckets) accounts.delete(key);
    }
  }

  /** The account's window at `nowMs`, advanced and without expired calls (as the Redis prelude). */
  function windowAt(key: string, windowMs: number, nowMs: number): AccountWindow {
    let w = accounts.get(key);
    if (w === undefined || w.windowMs !== windowMs) {
      w = createWindow(windowMs, nowMs);
      accounts.set(key, w);
    }
    advance(w, bucketIndex(nowMs, w.geometry));
    expireCalls(w, nowMs);
    return w;
  }

  function reserve(request: ReserveRequest): ReserveResult {
    const nowMs = now();
    sweep(nowMs, request.windowMs);
    const w = windowAt(request.key, request.windowMs, nowMs);
    const chargedMs = w.usedMs + computeInFlightCharge(w.calls.size, w.sumStarts, w.sumEstimates, nowMs);
    const remainingMs = Math.max(0, request.budgetMs - chargedMs);
    // SPEC R55: refused only once what the window holds has reached the budget.
    const needMs = chargedMs - request.budgetMs + 1;
    const needExecutions = request.maxExecutions === null ? 0 : w.executions + 1 - request.maxExecutions;
    if (needMs > 0 || needExecutions > 0) {
      return { admitted: false, remainingMs, executions: w.executions, retryAfterMs: computeRetryAfter(w, nowMs, needMs, needExecutions) };
    }
    w.counts[slotOf(w.head, w.geometry.buckets + 1)] += 1;
    w.executions += 1;
    const id = ++lastId;
    const expiry = nowMs + request.timeoutMs + IN_FLIGHT_GRACE_MS;
    w.calls.set(id, { start: nowMs, estimate: request.estimateMs, expiry });
    w.sumStarts += nowMs - START_EPOCH_MS;
    w.sumEstimates += request.estimateMs;
    if (expiry < w.nextExpiry) w.nextExpiry = expiry;
    return { admitted: true, reservationId: String(id), remainingMs, executions: w.executions, retryAfterMs: 0 };
  }

  function settle(request: SettleRequest): void {
    const nowMs = now();
    const w = windowAt(request.key, request.windowMs, nowMs);
    const id = Number(request.reservationId);
    const call = w.calls.get(id);
    // Not found: its entry expired (in-flight.ts); its measured time counts all the same.
    if (call !== undefined) removeCall(w, id, call);
    spreadOverBuckets(nowMs, Math.max(0, Math.round(request.actualMs)), w.geometry.bucketMs, w.head - w.geometry.buckets, w.addSettled);
  }

  // Synchronous answers: admission in memory costs no promise (issue #12).
  return { reserve, settle, close: () => Promise.resolve() };
}
