// What the dashboard knows of recent invocations (issues #6, #15): the last records in a ring
// buffer and the per-function figures, fed by this host's records and, with a log store, by every
// other instance's (read once at mount, then followed). Bounded everywhere: the buffer holds
// `capacity` records, a follower takes at most one batch at a time, and what is pushed to pages
// goes through the bounded event streams.
import type { LogStore, LogStoreEntry } from '../logs/log-store';
import type { LogStoreHealth } from '../logs/log-store-sink';
import type { LogRecord, RecordWarning } from '../types';
import { createFunctionStats, type StatsSnapshot } from './function-stats';
import { RingBuffer } from './ring-buffer';

/** After a failed first read of the shared log, how long until the next try. */
const SEED_RETRY_MS = 2_000;

/** The shared log of every instance, when the host has a log store. */
export interface SharedRecords {
  store: LogStore;
  /** This host's instance name: its own records arrive locally, not from the store. */
  instance: string;
  health: LogStoreHealth;
}

/** What the dashboard is told as the feed changes. */
export interface FeedEvents {
  /** A new record (this host's or another instance's). */
  record(record: LogRecord): void;
  /** A warning added to a buffered record after it was shown. */
  warning(id: string, warning: RecordWarning): void;
  /** The buffer was filled from the shared log: pages need all of it again. */
  reset(records: LogRecord[]): void;
}

/** The dashboard's records. */
export interface RecordFeed {
  /** The buffered records, oldest first. */
  records(): LogRecord[];
  /** The newest buffered record with this request id. */
  find(id: string): LogRecord | undefined;
  stats(): StatsSnapshot;
  close(): void;
}

/** Creates the feed and starts listening. */
export function createRecordFeed(deps: {
  capacity: number;
  budget: { budgetMs: number; windowMs: number } | null;
  subscribe(listener: (record: LogRecord) => void): () => void;
  subscribeLate(listener: (id: string, warning: RecordWarning) => void): () => void;
  shared: SharedRecords | null;
  events: FeedEvents;
}): RecordFeed {
  let buffer = new RingBuffer<LogRecord>(deps.capacity);
  const stats = createFunctionStats(deps.budget);
  const { events, shared } = deps;
  let closed = false;
  let stopFollowing = (): void => {};
  let seedTimer: NodeJS.Timeout | undefined;

  const add = (record: LogRecord): void => {
    buffer.push(record);
    stats.add(record);
    events.record(record);
  };
  const amend = (id: string, warning: RecordWarning): void => {
    const record = buffer.findLast((r) => r.id === id);
    if (record === undefined) return;
    // The record object is the one every listener got: the warning joins it (it is the
    // invocation's), as a new array so that nobody's earlier copy of the list changes under them.
    record.warnings = [...(record.warnings ?? []), warning];
    events.warning(id, warning);
  };
  const unsubscribe = deps.subscribe(add);
  const unsubscribeLate = deps.subscribeLate(amend);

  /** Applies entries of other instances (this host's own came locally). */
  const apply = (entries: LogStoreEntry[]): void => {
    for (const entry of entries) {
      if (entry.type === 'record') {
        if (entry.record.instance !== shared!.instance) add(entry.record);
      } else if (entry.instance !== shared!.instance) {
        amend(entry.id, entry.warning);
      }
    }
  };

  /** The shared log's newest records, before what this host already buffered; then follow it. */
  function seed(store: LogStore): void {
    store.read({ count: deps.capacity }).then(({ entries, cursor }) => {
      if (closed) return;
      shared!.health.markRecovered();
      const local = buffer.toArray();
      const seen = new Set(local.map((r) => r.id));
      const next = new RingBuffer<LogRecord>(deps.capacity);
      const byId = new Map<string, LogRecord>();
      for (const entry of entries) {
        if (entry.type === 'record') {
          if (seen.has(entry.record.id)) continue;
          next.push(entry.record);
          byId.set(entry.record.id, entry.record);
          stats.add(entry.record);
        } else {
          const record = byId.get(entry.id);
          if (record !== undefined) record.warnings = [...(record.warnings ?? []), entry.warning];
        }
      }
      for (const record of local) next.push(record);
      buffer = next;
      events.reset(buffer.toArray());
      const follower = store.follow(cursor, apply, (error) => shared!.health.markFailed(error));
      stopFollowing = () => follower.stop();
    }, (error: unknown) => {
      if (closed) return;
      shared!.health.markFailed(error);
      seedTimer = setTimeout(() => seed(store), SEED_RETRY_MS);
      seedTimer.unref();
    });
  }
  if (shared !== null) seed(shared.store);

  return {
    records: () => buffer.toArray(),
    find: (id) => buffer.findLast((r) => r.id === id),
    stats: () => stats.snapshot(),
    close() {
      closed = true;
      if (seedTimer !== undefined) clearTimeout(seedTimer);
      unsubscribe();
      unsubscribeLate();
      stopFollowing();
    },
  };
}
