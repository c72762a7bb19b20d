// The Redis log store (issue #15): every instance appends its records to one Redis stream, capped
// at `maxLen` entries (XADD MAXLEN), and any instance, or `hubspot-functions logs --redis`, reads
// it (XRANGE, XREVRANGE) and follows it (XREAD BLOCK on a connection of its own, since a blocking
// read holds its connection). Entries are JSON in one field: `record`, or `warning` for a warning
// raised after its record was written. Records arrive here already redacted (SPEC R33).
import type { Redis } from 'ioredis';
import type { LogStore, LogStoreEntry, LogStoreFollower, LogStoreRead } from '../logs/log-store';
import type { LogRecord, RecordWarning } from '../types';
import { closeClient, createFailFastClient } from './create-redis-client';

/** Options of createRedisLogStore. */
export interface RedisLogStoreOptions {
  /** A client of yours; it stays yours: close() does not quit it. Followers use duplicates of it. */
  redis?: Redis;
  /** A Redis URL (`redis://host:6379/0`) for a client the store creates and close() quits. */
  url?: string;
  /** The stream's key. @default 'hsf:logs' */
  stream?: string;
  /** Entries the stream keeps; the oldest are trimmed. @default 10000 */
  maxLen?: number;
  /** Longest a command may take before it fails (created client only). @default 1000 */
  commandTimeoutMs?: number;
}

/** How long one blocking read waits before it asks again (and notices a stop). */
const BLOCK_MS = 5_000;
/** Entries one blocking read takes at most: a follower never holds more than this at once. */
const FOLLOW_BATCH = 100;
/** After a failed read, a follower waits this long before it tries again. */
const FOLLOW_RETRY_MS = 1_000;
/**
 * Stream ids carry Redis's clock, records their instance's: a `sinceMs` read starts this much
 * earlier and then filters on the record's own time.
 */
const CLOCK_SLACK_MS = 60_000;

type StreamEntry = [id: string, fields: string[]];

function fail(name: string, value: unknown, expected: string): never {
  throw new TypeError(`hubspot-functions: createRedisLogStore option "${name}" must be ${expected}; got ${JSON.stringify(value)}`);
}

/** The entry a stream entry holds, or null for one this store did not write. */
function parseEntry(fields: string[]): LogStoreEntry | null {
  try {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === 'record') {
        const record = JSON.parse(fields[i + 1]) as LogRecord;
        if (typeof record === 'object' && record !== null && typeof record.id === 'string') return { type: 'record', record };
      } else if (fields[i] === 'warning') {
        const w = JSON.parse(fields[i + 1]) as { id: string; instance: string; warning: RecordWarning };
        if (typeof w?.id === 'string' && typeof w.warning === 'object' && w.warning !== null) return { type: 'warning', id: w.id, instance: String(w.instance), warning: w.warning };
      }
    }
  } catch {
    // Not ours (another writer on the same key): skipped.
  }
  return null;
}

function parseEntries(raw: StreamEntry[]): LogStoreEntry[] {
  const out: LogStoreEntry[] = [];
  for (const [, fields] of raw) {
    const entry = parseEntry(fields);
    if (entry !== null) out.push(entry);
  }
  return out;
}

function entryTime(entry: LogStoreEntry): number {
  return entry.type === 'record' ? entry.record.createdAt : entry.warning.at;
}

/**
 * Creates a log store in a Redis stream, so every instance's records can be seen from any of them.
 * @example
 * import { createRedisLogStore } from 'hubspot-functions/redis';
 * const logStore = createRedisLogStore({ url: process.env.REDIS_URL });
 * app.use(hubspotFunctions('./my.functions', { logStore, dashboard: { token: process.env.DASHBOARD_TOKEN } }));
 */
export function createRedisLogStore(options: RedisLogStoreOptions): LogStore {
  if (typeof options !== 'object' || options === null) fail('options', options, '{ redis } or { url }');
  if (options.redis === undefined && (typeof options.url !== 'string' || options.url === '')) {
    fail('url', options.url, 'a Redis URL such as "redis://127.0.0.1:6379" (or pass "redis", an ioredis client)');
  }
  const stream = options.stream ?? 'hsf:logs';
  if (typeof stream !== 'string' || stream === '') fail('stream', stream, 'a non-empty key name');
  const maxLen = options.maxLen ?? 10_000;
  if (!Number.isInteger(maxLen) || maxLen < 1) fail('maxLen', maxLen, 'an integer >= 1');
  const commandTimeoutMs = options.commandTimeoutMs ?? 1_000;
  if (!Number.isInteger(commandTimeoutMs) || commandTimeoutMs < 1) fail('commandTimeoutMs', commandTimeoutMs, 'an integer >= 1');
  const owned = options.redis === undefined;
  // Fail-fast: while Redis is down the sink keeps a bounded backlog and reports the outage once.
  const client = options.redis ?? createFailFastClient(options.url as string, commandTimeoutMs);
  const followers = new Set<Redis>();

  // Without an offline queue, a command sent before the first connection fails: wait for it
  // once (a reader's first read comes at once). Later outages fail fast.
  let firstReady: Promise<void> | null = null;
  function firstConnection(): Promise<void> {
    if (firstReady !== null) return firstReady;
    if (client.status === 'ready' || !owned) return (firstReady = Promise.resolve());
    firstReady = new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, 2_000);
      client.once('ready', done);
    });
    return firstReady;
  }

  async function lastId(): Promise<string> {
    const newest = (await client.xrevrange(stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return newest[0]?.[0] ?? '0-0';
  }

  return {
    async append(entries) {
      if (entries.length === 0) return;
      await firstConnection();
      const batch = client.pipeline();
      for (const entry of entries) {
        const value = entry.type === 'record'
          ? JSON.stringify(entry.record)
          : JSON.stringify({ id: entry.id, instance: entry.instance, warning: entry.warning });
        batch.xadd(stream, 'MAXLEN', maxLen, '*', entry.type, value);
      }
      const results = (await batch.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed !== undefined) throw failed[0] instanceof Error ? failed[0] : new Error(String(failed[0]));
    },

    async read(query = {}): Promise<LogStoreRead> {
      await firstConnection();
      const count = query.count ?? maxLen;
      let raw: StreamEntry[];
      if (query.sinceMs !== undefined) {
        raw = (await client.xrange(stream, String(Math.max(0, Math.floor(query.sinceMs - CLOCK_SLACK_MS))), '+'));
      } else {
        raw = ((await client.xrevrange(stream, '+', '-', 'COUNT', count)) as StreamEntry[]).reverse();
      }
      let entries = parseEntries(raw);
      if (query.sinceMs !== undefined) {
        const since = query.sinceMs;
        entries = entries.filter((e) => entryTime(e) >= since);
        if (entries.length > count) entries = entries.slice(entries.length - count);
      }
      const cursor = raw.length > 0 ? raw[raw.length - 1][0] : await lastId();
      return { entries, cursor };
    },

    follow(cursor, onEntries, onError): LogStoreFollower {
      // A blocking read holds its connection: each follower has its own, whose command timeout
      // outlasts the block.
      const reader = client.duplicate({ commandTimeout: BLOCK_MS + 2_000, enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: false });
      reader.on('error', () => {});
      followers.add(reader);
      let stopped = false;
      let position = cursor;
      void (async () => {
        while (!stopped) {
          try {
            const reply = (await reader.xread('COUNT', FOLLOW_BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', stream, position));
            if (stopped) break;
            const raw = reply?.[0]?.[1] ?? [];
            if (raw.length === 0) continue;
            position = raw[raw.length - 1][0];
            const entries = parseEntries(raw);
            if (entries.length > 0) onEntries(entries);
          } catch (error) {
            if (stopped) break;
            try {
              onError?.(error);
            } catch {
              // The caller's handler must not end the loop.
            }
            await new Promise((resolve) => setTimeout(resolve, FOLLOW_RETRY_MS).unref());
          }
        }
      })();
      return {
        stop() {
          if (stopped) return;
          stopped = true;
          followers.delete(reader);
          reader.disconnect();
        },
      };
    },

    async close() {
      for (const reader of followers) reader.disconnect();
      followers.clear();
      if (owned) await closeClient(client);
    },
  };
}
