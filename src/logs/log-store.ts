// Where records are shared between server instances (issue #15): an append-only, capped log that
// every instance writes to and any instance (or `hubspot-functions logs`) reads and follows. The
// Redis stream (src/redis/redis-log-store.ts) is the implementation; the host only sees this.
import type { LogRecord, RecordWarning } from '../types';

/**
 * One entry of the shared log: a record, or a warning raised after its record was written (a
 * throw in a timer after the answer), which readers attach to the record with the same id.
 */
export type LogStoreEntry =
  | { type: 'record'; record: LogRecord }
  | { type: 'warning'; id: string; instance: string; warning: RecordWarning };

/** What read() answers: entries oldest first, and where follow() continues from. */
export interface LogStoreRead {
  entries: LogStoreEntry[];
  /** The position after the last entry read (opaque; pass it to follow()). */
  cursor: string;
}

/** How a follow() is stopped. */
export interface LogStoreFollower {
  stop(): void;
}

/** A log shared by instances. Every method may fail while the store is down; none blocks forever. */
export interface LogStore {
  /** Appends entries, already redacted (SPEC R33), in order. */
  append(entries: readonly LogStoreEntry[]): Promise<void>;
  /**
   * The newest entries, oldest first: at most `count`, and with `sinceMs` only those written at or
   * after that time (epoch ms), give or take the clock difference between instances.
   */
  read(query?: { count?: number; sinceMs?: number }): Promise<LogStoreRead>;
  /**
   * Calls `onEntries` with every entry written after `cursor` (any instance's), in order, in
   * batches, until stopped. Failures go to `onError` and it keeps trying.
   */
  follow(cursor: string, onEntries: (entries: LogStoreEntry[]) => void, onError?: (error: unknown) => void): LogStoreFollower;
  /** Releases what the store created (a client passed in stays the caller's). */
  close?(): Promise<void>;
}
