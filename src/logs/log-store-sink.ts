// Writes records to a shared log store (issue #15) without ever holding up a request: entries of
// one event-loop turn go in one append, one append at a time, the backlog bounded. When the store
// fails, records keep reaching the local sinks; the outage is reported once, and its end once,
// with how many entries were dropped meanwhile (as the budget store's outages are, SPEC R55).
import type { FunctionsWarning } from '../types';
import type { LogStore, LogStoreEntry } from './log-store';

/** Entries kept while the store is slow or down; beyond it the oldest are dropped. */
export const MAX_PENDING_ENTRIES = 1_000;
/** During an outage, how often the backlog is tried again. */
export const RETRY_MS = 1_000;
/** How long close() waits for the last entries to be written. */
const CLOSE_DEADLINE_MS = 1_000;

/** One outage tracker for everything that talks to the store (the sink and the dashboard's follower). */
export interface LogStoreHealth {
  readonly down: boolean;
  markFailed(error: unknown): void;
  markRecovered(): void;
}

/** The sink's side of the store. */
export interface LogStoreSink {
  write(entry: LogStoreEntry): void;
  /** Writes what is pending (bounded in time), then stops retrying. */
  close(): Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Tracks the store's outages: one warning when it fails, one message when it answers again. */
export function createLogStoreHealth(onWarning: (warning: FunctionsWarning) => void): LogStoreHealth & { dropped(count: number): void } {
  let down = false;
  let dropped = 0;
  return {
    get down() {
      return down;
    },
    markFailed(error) {
      if (down) return;
      down = true;
      onWarning({
        code: 'HSF_WARN_LOG_STORE_DOWN',
        message: `the log store is unavailable (${describe(error)}); records still reach this instance's log and dashboard, and up to ${MAX_PENDING_ENTRIES} wait to be shared. Check the store (e.g. the Redis server) is reachable.`,
      });
    },
    markRecovered() {
      if (!down) return;
      down = false;
      const lost = dropped;
      dropped = 0;
      onWarning({
        code: 'HSF_WARN_LOG_STORE_RECOVERED',
        message: `the log store answers again; records are shared again${lost > 0 ? ` (${lost} written during the outage were not shared)` : ''}.`,
      });
    },
    dropped(count) {
      dropped += count;
    },
  };
}

/**
 * Creates the sink that appends entries to `store`.
 * @param health shared with the dashboard's follower, so one outage is one warning
 */
export function createLogStoreSink(store: LogStore, health: ReturnType<typeof createLogStoreHealth>, maxPending = MAX_PENDING_ENTRIES): LogStoreSink {
  let pending: LogStoreEntry[] = [];
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let scheduled = false;
  let closed = false;

  const schedule = (delayMs: number): void => {
    if (scheduled || closed) return;
    scheduled = true;
    // Unref'd: a backlog waiting for a store that is down must not keep the process alive.
    if (delayMs === 0) setImmediate(run);
    else (timer = setTimeout(run, delayMs)).unref();
  };

  function run(): void {
    scheduled = false;
    timer = null;
    if (writing !== null || pending.length === 0) return;
    const batch = pending;
    pending = [];
    writing = store.append(batch).then(
      () => {
        health.markRecovered();
        writing = null;
        if (pending.length > 0) schedule(0);
      },
      (error: unknown) => {
        health.markFailed(error);
        writing = null;
        // Put the batch back in front of what came meanwhile, within the bound.
        keep(batch.concat(pending));
        schedule(RETRY_MS);
      },
    );
  }

  function keep(entries: LogStoreEntry[]): void {
    const over = entries.length - maxPending;
    if (over > 0) health.dropped(over);
    pending = over > 0 ? entries.slice(over) : entries;
  }

  return {
    write(entry) {
      if (closed) return;
      pending.push(entry);
      if (pending.length > maxPending) keep(pending);
      // While the store is down, the backlog is tried once a retry period.
      schedule(health.down ? RETRY_MS : 0);
    },
    async close() {
      if (timer !== null) clearTimeout(timer);
      scheduled = false;
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_DEADLINE_MS).unref());
      const last = (async () => {
        await writing;
        // One last try, even during an outage.
        if (pending.length > 0) {
          run();
          await writing;
        }
      })();
      closed = true;
      await Promise.race([last, deadline]);
    },
  };
}
