// The logs dashboard (issue #6), served by the host itself so that it works under Express, Koa
// and `serve --dashboard` alike: the page, a JSON API, and Server-Sent Events that push every
// new log record. Records arrive already redacted by the core (SPEC R33); nothing else is shown.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { relative } from 'node:path';
import { buildErrorResponse } from '../response/error-response';
import type { ResolvedDashboard } from '../options';
import { writeResponse } from '../response/write-response';
import type { LogRecord, RouteInfo } from '../types';
import { loadDashboardPage } from './dashboard-page';
import { RingBuffer } from './ring-buffer';

/** How many records the dashboard keeps: enough for a session, bounded for a busy server. */
export const DASHBOARD_CAPACITY = 500;
/** A comment line every so often keeps proxies from closing an idle event stream. */
const HEARTBEAT_MS = 15_000;

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
  handle(req: IncomingMessage, res: ServerResponse, info: { path: string; request?: unknown }): Promise<void>;
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

function send(res: ServerResponse, status: number, headers: Array<[string, string]>, body: Buffer | string, head: boolean): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.statusCode = status;
  for (const [name, value] of headers) res.setHeader(name, value);
  res.setHeader('Content-Length', bytes.length);
  res.end(head ? undefined : bytes);
}

/** A JSON error as every request-time error is written (SPEC R48): code, message, request id. */
function sendError(res: ServerResponse, code: 'HSF_DASHBOARD_FORBIDDEN' | 'HSF_DASHBOARD_ASSETS_MISSING', message: string, head: boolean): void {
  const requestId = randomUUID();
  const response = buildErrorResponse({ code, message }, requestId, process.env.NODE_ENV === 'production');
  writeResponse(res, response, { head, extraHeaders: [['x-request-id', requestId], ['Cache-Control', 'no-store']] });
}

function sendJson(res: ServerResponse, status: number, value: unknown, head: boolean, extra: Array<[string, string]> = []): void {
  send(res, status, [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-store'], ...extra], JSON.stringify(value), head);
}

/**
 * Creates the dashboard for a host.
 * @param deps.routes the host's current routes; deps.subscribe the host's onRecord
 */
export function createDashboard(deps: {
  options: Readonly<ResolvedDashboard>;
  routes(): RouteInfo[];
  subscribe(listener: (record: LogRecord) => void): () => void;
  capacity?: number;
  cwd?: string;
}): Dashboard {
  const base = deps.options.path;
  const cwd = deps.cwd ?? process.cwd();
  const buffer = new RingBuffer<LogRecord>(deps.capacity ?? DASHBOARD_CAPACITY);
  const streams = new Set<ServerResponse>();
  let heartbeat: NodeJS.Timeout | undefined;
  const routes = (): DashboardRoute[] => deps.routes().map((r) => toDashboardRoute(r, cwd));

  const broadcast = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of streams) res.write(frame);
  };
  const unsubscribe = deps.subscribe((record) => {
    buffer.push(record);
    broadcast('record', record);
  });

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // The first event carries everything a freshly (re)connected page needs.
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ routes: routes(), records: buffer.toArray() })}\n\n`);
    streams.add(res);
    heartbeat ??= setInterval(() => {
      for (const stream of streams) stream.write(': ping\n\n');
    }, HEARTBEAT_MS).unref();
    const drop = (): void => {
      streams.delete(res);
      if (streams.size === 0 && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      }
    };
    req.once('close', drop);
    res.once('close', drop);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, info: { path: string; request?: unknown }): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      sendJson(res, 405, { code: 'HSF_METHOD_NOT_ALLOWED', message: `${method} is not allowed on the dashboard; allowed: GET, HEAD.` }, false, [['Allow', 'GET, HEAD']]);
      return;
    }
    if (deps.options.authorize) {
      let allowed = false;
      try {
        allowed = (await deps.options.authorize(info.request ?? req)) === true;
      } catch {
        allowed = false; // A failing check never opens the dashboard.
      }
      if (!allowed) {
        sendError(res, 'HSF_DASHBOARD_FORBIDDEN', 'The dashboard\'s authorize() refused this request.', head);
        return;
      }
    }
    const sub = info.path.slice(base.length).replace(/\/+$/, '');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (sub === '') {
      let page;
      try {
        page = loadDashboardPage();
      } catch (error) {
        sendError(res, 'HSF_DASHBOARD_ASSETS_MISSING', `The dashboard's assets are missing: ${(error as Error).message}. Reinstall hubspot-functions.`, head);
        return;
      }
      send(res, 200, page.headers, page.body, head);
    } else if (sub === '/events') {
      if (head) send(res, 200, [['Content-Type', 'text/event-stream; charset=utf-8']], '', true);
      else openStream(req, res);
    } else if (sub === '/api/routes') {
      sendJson(res, 200, { routes: routes() }, head);
    } else if (sub === '/api/records') {
      // Search by request id, as HubSpot's Logs tab has it: a case-insensitive substring.
      const q = (url.searchParams.get('q') ?? '').trim().toLowerCase();
      const records = buffer.toArray().filter((r) => q === '' || r.id.toLowerCase().includes(q));
      sendJson(res, 200, { records }, head);
    } else if (sub.startsWith('/api/records/')) {
      const id = decodeURIComponent(sub.slice('/api/records/'.length));
      const record = buffer.findLast((r) => r.id === id);
      if (record === undefined) sendJson(res, 404, { code: 'HSF_NOT_FOUND', message: `No recent record has the request id ${id}.` }, head);
      else sendJson(res, 200, record, head);
    } else {
      sendJson(res, 404, { code: 'HSF_NOT_FOUND', message: `The dashboard has no page ${info.path}.` }, head);
    }
  }

  return {
    path: base,
    owns(path) {
      return path === base || path.startsWith(`${base}/`);
    },
    handle,
    notifyRoutes() {
      broadcast('routes', { routes: routes() });
    },
    close() {
      unsubscribe();
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
