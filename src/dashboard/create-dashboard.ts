// The logs dashboard (issues #6, #15), served by the host itself so that it works under Express,
// Koa and `serve --dashboard` alike: the page, a JSON API, and Server-Sent Events that push every
// new log record (every instance's, with a log store) and the per-function figures. Records
// arrive already redacted by the core (SPEC R33); nothing else is shown.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { relative } from 'node:path';
import { filterFromQuery, matchesRecordFilter } from '../logs/record-filter';
import type { ResolvedDashboard } from '../options';
import type { LogRecord, RecordWarning, RouteInfo } from '../types';
import { loadDashboardPage } from './dashboard-page';
import { quote, send, sendDashboardError, sendJson } from './dashboard-responses';
import { createEventStreams } from './event-streams';
import { createDashboardGuard, type DashboardRequestInfo, type GuardedRequest } from './guard-dashboard-request';
import { createRecordFeed, type SharedRecords } from './record-feed';

export type { DashboardRequestInfo } from './guard-dashboard-request';

/** How many records the dashboard keeps: enough for a session, bounded for a busy server. */
export const DASHBOARD_CAPACITY = 500;
/** When a refused event stream may try again: a tab closes in seconds. */
const STREAMS_RETRY_AFTER_S = 5;
/** New figures are pushed at most this often while records arrive. */
const STATS_THROTTLE_MS = 1_000;

/** One function as the dashboard lists it. */
export interface DashboardRoute {
  id: string;
  name: string;
  path: string | null;
  methods: string[];
  file: string;
  status: RouteInfo['status'];
  error?: string;
}

/** The dashboard as the host uses it. */
export interface Dashboard {
  readonly path: string;
  /** Whether a (mount-relative) request path is the dashboard's. */
  owns(path: string): boolean;
  /** Answers a request for one of the dashboard's paths. */
  handle(req: IncomingMessage, res: ServerResponse, info: DashboardRequestInfo): Promise<void>;
  /** Tells open pages that the route table changed (after a reload). */
  notifyRoutes(): void;
  /** Ends every open event stream and stops listening for records. */
  close(): void;
}

function toDashboardRoute(route: RouteInfo, cwd: string): DashboardRoute {
  const out: DashboardRoute = {
    id: route.id,
    name: route.name,
    path: route.path,
    methods: route.methods,
    file: relative(cwd, route.file) || route.file,
    status: route.status,
  };
  if (route.error !== undefined) out.error = route.error;
  return out;
}

/** The path without its trailing slashes, in linear time (issue #10 item 4: `/\/+$/` is quadratic). */
function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  return path.slice(0, end);
}

/** A request id from the path, or null when its escapes are malformed (issue #10 item 1). */
function decodeRequestId(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * Creates the dashboard for a host.
 * @param deps.routes the host's current routes; deps.subscribe the host's onRecord;
 *   deps.subscribeLate its warnings raised after their record; deps.shared the log store of every
 *   instance, or null; deps.budget the execution budget, or null when it is off
 */
export function createDashboard(deps: {
  options: Readonly<ResolvedDashboard>;
  routes(): RouteInfo[];
  subscribe: (listener: (record: LogRecord) => void) => () => void;
  subscribeLate?: (listener: (id: string, warning: RecordWarning) => void) => () => void;
  shared?: SharedRecords | null;
  budget?: { budgetMs: number; windowMs: number } | null;
  capacity?: number;
  cwd?: string;
}): Dashboard {
  const { options } = deps;
  const base = options.path;
  const cwd = deps.cwd ?? process.cwd();
  const production = process.env.NODE_ENV === 'production';
  const streams = createEventStreams({ maxStreams: options.maxStreams, maxBufferBytes: options.maxStreamBufferBytes });
  const guard = createDashboardGuard(options, production);
  const routes = (): DashboardRoute[] => deps.routes().map((r) => toDashboardRoute(r, cwd));
  const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  let statsTimer: NodeJS.Timeout | undefined;
  const scheduleStats = (): void => {
    if (statsTimer !== undefined || streams.size === 0) return;
    statsTimer = setTimeout(() => {
      statsTimer = undefined;
      streams.broadcast(frame('stats', feed.stats()));
    }, STATS_THROTTLE_MS);
    statsTimer.unref();
  };
  const feed = createRecordFeed({
    capacity: deps.capacity ?? DASHBOARD_CAPACITY,
    budget: deps.budget ?? null,
    subscribe: deps.subscribe,
    subscribeLate: deps.subscribeLate ?? (() => () => undefined),
    shared: deps.shared ?? null,
    events: {
      record(record) {
        streams.broadcast(frame('record', record));
        scheduleStats();
      },
      warning(id, warning) {
        streams.broadcast(frame('warning', { id, warning }));
      },
      reset(records) {
        streams.broadcast(frame('records', { records }));
        scheduleStats();
      },
    },
  });

  function openStream(req: IncomingMessage, res: ServerResponse, head: boolean): void {
    if (head) return send(res, 200, [['Content-Type', 'text/event-stream; charset=utf-8']], '', true);
    if (streams.full()) {
      sendDashboardError(res, 'HSF_OVERLOADED', `The dashboard has ${streams.size} event streams open, its maximum (dashboard.maxStreams). Close a dashboard tab, or retry later.`,
        { head, production, headers: { 'Retry-After': String(STREAMS_RETRY_AFTER_S) } });
      return;
    }
    // The first event carries everything a freshly (re)connected page needs.
    streams.open(req, res, `retry: 2000\n${frame('hello', { routes: routes(), records: feed.records(), stats: feed.stats() })}`);
  }

  function serve({ req, res, info, sub, query, head }: GuardedRequest): void {
    if (sub === '') {
      let page;
      try {
        page = loadDashboardPage();
      } catch (error) {
        sendDashboardError(res, 'HSF_DASHBOARD_ASSETS_MISSING', `The dashboard's assets are missing: ${(error as Error).message}. Reinstall hubspot-functions.`, { head, production });
        return;
      }
      send(res, 200, page.headers, page.body, head);
    } else if (sub === '/events') {
      openStream(req, res, head);
    } else if (sub === '/api/routes') {
      sendJson(res, { routes: routes() }, head);
    } else if (sub === '/api/records') {
      // `q`: a part of the request id, case-insensitive, as HubSpot's Logs tab searches; then
      // endpoint, status (success, error, timeout, 429), instance and since (epoch ms).
      const filter = filterFromQuery(query);
      if ('invalid' in filter) {
        const hint = filter.invalid === 'status' ? 'success, error, timeout or 429' : 'a time in epoch milliseconds';
        sendDashboardError(res, 'HSF_DASHBOARD_BAD_QUERY', `The records filter ${filter.invalid}=${quote(query.get(filter.invalid) ?? '')} is not one the dashboard knows: use ${hint}.`, { head, production });
        return;
      }
      sendJson(res, { records: feed.records().filter((r) => matchesRecordFilter(r, filter)) }, head);
    } else if (sub === '/api/stats') {
      sendJson(res, feed.stats(), head);
    } else if (sub.startsWith('/api/records/')) {
      const id = decodeRequestId(sub.slice('/api/records/'.length));
      const record = id === null ? undefined : feed.find(id);
      if (record === undefined) sendDashboardError(res, 'HSF_NOT_FOUND', `No recent record has the request id ${quote(id ?? sub.slice('/api/records/'.length))}.`, { head, production });
      else sendJson(res, record, head);
    } else {
      sendDashboardError(res, 'HSF_NOT_FOUND', `The dashboard has no page ${quote(info.path)}.`, { head, production });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, info: DashboardRequestInfo): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const head = method === 'HEAD';
    const sub = trimTrailingSlashes(info.path.slice(base.length));
    const url = info.originalUrl ?? req.url ?? '';
    const q = url.indexOf('?');
    const request: GuardedRequest = { req, res, info, sub, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)), head };
    if (await guard(request)) return;
    if (method !== 'GET' && !head) {
      sendDashboardError(res, 'HSF_METHOD_NOT_ALLOWED', `${method} is not allowed on the dashboard; allowed: GET, HEAD.`, { head, production, headers: { Allow: 'GET, HEAD' } });
      return;
    }
    serve(request);
  }

  return {
    path: base,
    owns(path) {
      return path === base || path.startsWith(`${base}/`);
    },
    handle,
    notifyRoutes() {
      streams.broadcast(frame('routes', { routes: routes() }));
    },
    close() {
      if (statsTimer !== undefined) clearTimeout(statsTimer);
      feed.close();
      streams.close();
    },
  };
}
