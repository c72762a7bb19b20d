// The store behind the execution budget (SPEC R55): in memory by default, Redis across processes.

/** One admission request: reserve `reserveMs` of the account's window budget, atomically. */
export interface ReserveRequest {
  /** The account's key, e.g. `acct:123`. */
  key: string;
  reserveMs: number;
  budgetMs: number;
  windowMs: number;
  maxExecutions: number | null;
}

/** The store's answer to a reservation. */
export interface ReserveResult {
  admitted: boolean;
  /** Present when admitted; pass it to settle(). */
  reservationId?: string;
  /** Budget left in this window after this reservation (ms). */
  remainingMs: number;
  /** Executions counted in this window, this one included when admitted. */
  executions: number;
  /** When refused: ms until enough of the window frees. */
  retryAfterMs: number;
}

/** Replaces a reservation with the measured time once the call ends. */
export interface SettleRequest {
  key: string;
  reservationId: string;
  /** The measured wall time that replaces the reservation. */
  actualMs: number;
  windowMs: number;
}

/** Where the budget lives. Implementations: the in-memory store, the Redis store. */
export interface BudgetStore {
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  settle(request: SettleRequest): Promise<void>;
  close?(): Promise<void>;
}
