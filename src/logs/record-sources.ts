// Where `hubspot-functions logs` reads records (issue #15): a running server's dashboard API
// (`<dashboard>/api/records`, and its event stream to follow), or the shared log store directly.
// Both answer records oldest first, each once, with the warnings that came after them attached.
import type { LogRecord } from '../types';
import type { LogStore, LogStoreEntry } from './log-store';
import { matchesRecordFilter, type RecordFilter } from './record-filter';

/** A place records are read from. */
export interface RecordSource {
  /** The records kept there that match, oldest first. */
  read(filter: RecordFilter): Promise<LogRecord[]>;
  /**
   * After read(): calls `onRecords` with each new record that matches, until stopped; a lost
   * connection is retried (and told to `onNotice`).
   */
  follow(filter: RecordFilter, onRecords: (records: LogRecord[]) => void, onNotice: (message: string) => void): () => void;
  close(): Promise<void>;
}

/** A failure reading the source, with what to do about it. */
export class RecordSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordSourceError';
  }
}

/** How long a follower waits before it reconnects. */
const RECONNECT_MS = 2_000;
/** Request ids remembered so that a reconnection does not print a record twice. */
const MAX_SEEN = 2_000;

function byCreatedAt(a: LogRecord, b: LogRecord): number {
  return a.createdAt - b.createdAt;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Records from store entries, with later warnings put on their record. */
function recordsOf(entries: readonly LogStoreEntry[]): LogRecord[] {
  const records: LogRecord[] = [];
  const byId = new Map<string, LogRecord>();
  for (const entry of entries) {
    if (entry.type === 'record') {
      records.push(entry.record);
      byId.set(entry.record.id, entry.record);
    } else {
      const record = byId.get(entry.id);
      if (record !== undefined) record.warnings = [...(record.warnings ?? []), entry.warning];
    }
  }
  return records;
}

/** A source over a log store (e.g. the Redis stream), read directly. */
export function createStoreSource(store: LogStore): RecordSource {
  let cursor = '0-0';
  return {
    async read(filter) {
      let read;
      try {
        read = await store.read(filter.sinceMs === undefined ? {} : { sinceMs: filter.sinceMs });
      } catch (error) {
        throw new RecordSourceError(`cannot read the log store (${messageOf(error)}): is Redis running at that URL?`);
      }
      cursor = read.cursor;
      return recordsOf(read.entries).filter((r) => matchesRecordFilter(r, filter)).sort(byCreatedAt);
    },
    follow(filter, onRecords, onNotice) {
      let down = false;
      const follower = store.follow(cursor, (entries) => {
        if (down) onNotice('the log store answers again');
        down = false;
        const matching = recordsOf(entries).filter((r) => matchesRecordFilter(r, filter));
        if (matching.length > 0) onRecords(matching);
      }, (error) => {
        if (!down) onNotice(`cannot read the log store (${messageOf(error)}); retrying`);
        down = true;
      });
      return () => follower.stop();
    },
    close: async () => {
      await store.close?.();
    },
  };
}

/** The dashboard's base URL: the given path, or `/__dashboard` when it has none. */
export function dashboardBase(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RecordSourceError(`--url must be the server's URL, e.g. http://127.0.0.1:3000; got "${url}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RecordSourceError(`--url must be an http:// or https:// URL; got "${url}".`);
  let path = parsed.pathname;
  while (path.endsWith('/')) path = path.slice(0, -1);
  parsed.pathname = path === '' ? '/__dashboard' : path;
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

/** The query parameters of `/api/records` for a filter. */
function queryOf(filter: RecordFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.endpoint !== undefined) query.set('endpoint', filter.endpoint);
  if (filter.outcome !== undefined) query.set('status', filter.outcome);
  if (filter.instance !== undefined) query.set('instance', filter.instance);
  if (filter.requestId !== undefined) query.set('q', filter.requestId);
  if (filter.sinceMs !== undefined) query.set('since', String(filter.sinceMs));
  return query;
}

/** What an answer that is not 200 means for the user. */
async function explain(res: Response, base: URL): Promise<RecordSourceError> {
  let code = '';
  try {
    code = ((await res.json()) as { code?: string }).code ?? '';
  } catch {
    // Not our JSON: the status says enough.
  }
  if (res.status === 401) return new RecordSourceError(`${base.origin} wants the dashboard's token: pass --dashboard-token <token> (or set HUBSPOT_FUNCTIONS_DASHBOARD_TOKEN).`);
  if (res.status === 403) return new RecordSourceError(`${base.origin} refused the dashboard request (${code || 'HTTP 403'}): its Host must be loopback or in dashboard.allowedHosts.`);
  if (res.status === 404) return new RecordSourceError(`${base.href} is not a dashboard (${code || 'HTTP 404'}): start the server with --dashboard, or pass its dashboard URL (--url http://host:port/<dashboard path>).`);
  return new RecordSourceError(`${base.href} answered HTTP ${res.status}${code ? ` (${code})` : ''}.`);
}

/** A source over a running server's dashboard API (its event stream to follow). */
export function createDashboardSource(url: string, token: string | undefined): RecordSource {
  const base = dashboardBase(url);
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const at = (sub: string, query?: URLSearchParams): string => `${base.href}${sub}${query && query.size > 0 ? `?${query.toString()}` : ''}`;
  const unreachable = (error: unknown): RecordSourceError =>
    new RecordSourceError(`cannot reach ${base.origin} (${(error as { cause?: { code?: string } }).cause?.code ?? messageOf(error)}): is the server running?`);
  // What was printed: the event stream starts with the buffered records again.
  const seen = new Set<string>();
  const fresh = (records: LogRecord[], filter: RecordFilter): LogRecord[] => records.filter((r) => {
    if (seen.has(r.id) || !matchesRecordFilter(r, filter)) return false;
    seen.add(r.id);
    if (seen.size > MAX_SEEN) seen.delete(seen.values().next().value as string);
    return true;
  });

  return {
    async read(filter) {
      let res: Response;
      try {
        res = await fetch(at('/api/records', queryOf(filter)), { headers });
      } catch (error) {
        throw unreachable(error);
      }
      if (res.status !== 200) throw await explain(res, base);
      const { records } = (await res.json()) as { records: LogRecord[] };
      // The API filters already; the same rule again keeps an older server's answer right.
      return fresh(records, filter).sort(byCreatedAt);
    },
    follow(filter, onRecords, onNotice) {
      const controller = new AbortController();
      let lost = false;
      const onEvent = (event: string, data: string): void => {
        if (event === 'hello' || event === 'records') onRecords(fresh((JSON.parse(data) as { records: LogRecord[] }).records, filter).sort(byCreatedAt));
        else if (event === 'record') onRecords(fresh([JSON.parse(data) as LogRecord], filter));
      };
      void (async () => {
        while (!controller.signal.aborted) {
          try {
            const res = await fetch(at('/events'), { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
            if (res.status !== 200 || res.body === null) throw await explain(res, base);
            if (lost) onNotice(`connected to ${base.origin} again`);
            lost = false;
            await readEvents(res.body, onEvent);
            if (controller.signal.aborted) return;
            onNotice(`the connection to ${base.origin} ended; reconnecting`);
          } catch (error) {
            if (controller.signal.aborted) return;
            if (!lost) onNotice(`${error instanceof RecordSourceError ? error.message : unreachable(error).message} Retrying.`);
          }
          lost = true;
          await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
        }
      })();
      return () => controller.abort();
    },
    close: () => Promise.resolve(),
  };
}

/** Reads Server-Sent Events (`event:` and `data:` lines, a blank line between events) until the stream ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) onEvent(event, data.join('\n'));
    }
  }
}
