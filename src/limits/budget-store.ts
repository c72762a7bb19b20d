// The store behind the execution budget (SPEC R55): in memory by default, Redis across processes.
// Both count the same way: sliding-window.ts (settled time) and in-flight.ts (calls running).

/** One admission: admit the call if the account's time in the window is under the budget, atomically. */
export interface ReserveRequest {
  /** The account's key, e.g. `acct:123`. */
  key: string;
  /** What the call is expected to take (integer ms ≥ 0): its function's running average, 0 when never measured. */
  estimateMs: number;
  /** The call's timeout (ms): its in-flight entry expires `timeoutMs + IN_FLIGHT_GRACE_MS` after admission. */
  timeoutMs: number;
  budgetMs: number;
  windowMs: number;
  maxExecutions: number | null;
}

/** The store's answer to an admission. */
export interface ReserveResult {
  admitted: boolean;
  /** Present when admitted; pass it to settle(). */
  reservationId?: string;
  /** Budget left in this window before this call (ms): budget − (settled + in flight). */
  remainingMs: number;
  /** Executions counted in this window, this one included when admitted. */
  executions: number;
  /** When refused: ms until enough of the window frees. */
  retryAfterMs: number;
}

/** Ends a call in flight: its measured time joins the window. */
export interface SettleRequest {
  key: string;
  reservationId: string;
  /** The measured wall time of the call. */
  actualMs: number;
  windowMs: number;
}

/**
 * Where the budget lives. Implementations: the in-memory store, the Redis store. A store may
 * answer synchronously (the memory store does): then admission costs no promise and no timer.
 */
export interface BudgetStore {
  reserve(request: ReserveRequest): ReserveResult | Promise<ReserveResult>;
  settle(request: SettleRequest): void | Promise<void>;
  close?(): Promise<void>;
}
