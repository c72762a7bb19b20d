// The framework-agnostic host: the wiring of the parts a request meets (issue #12): the HTTP edge
// (edge/), the router (routing/), the seam (request/endpoint-request.ts), the pipeline
// (pipeline/), the runner (runner/), and around them the live function set (functions/), the
// records, the dashboard and the watcher. Configuration is read at mount (SPEC R7), modules load
// behind `ready`. Adapters only translate to and from it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadDefinitions } from '../config/load-definitions';
import { createDashboard, type Dashboard } from '../dashboard/create-dashboard';
import { reserveDashboardPath } from '../dashboard/reserve-dashboard-path';
import type { Runner, RunnerEvent } from '../definitions';
import { createHttpEdge } from '../edge/http-edge';
import { createFunctionSet, type FunctionSet, type ReloadResult } from '../functions/function-set';
import { createLimiter } from '../limits/create-limiter';
import { createLogStoreHealth, createLogStoreSink } from '../logs/log-store-sink';
import { normalizeOptions, type AllOptions, type ResolvedOptions } from '../options';
import { createPipeline } from '../pipeline/create-pipeline';
import type { FrameworkRequestInfo } from '../request/endpoint-request';
import { writeInternalError } from '../response/error-response';
import { createInlineRunner } from '../runner/inline-runner';
import { createProcessRunner } from '../runner/process-runner';
import { createWorkerRunner } from '../runner/worker-runner';
import { createInvocationTelemetry } from '../telemetry/invocation-telemetry';
import type { FunctionsWarning, HostHealth, LogRecord, RouteInfo } from '../types';
import { startWatching } from '../watch/start-watching';
import { createInvoker, type InvokeInput, type InvokeResult } from './invoke';
import { createRecordHub, type RecordHub } from './record-hub';
import { warnIfHostNotUtc } from './warn-timezone';

/** A mounted set of functions, independent of any framework. */
export interface FunctionsHost {
  /** One entry per function (SPEC R9), with its load status. */
  readonly routes: RouteInfo[];
  /** Settles when every module loaded or failed; rejects only under `strict` (SPEC R7). */
  readonly ready: Promise<{ loaded: number; failed: number }>;
  /** The function serving `method` on `path` (HEAD finds GET), or undefined. */
  match(method: string, path: string): RouteInfo | undefined;
  /**
   * For adapters, the fast entry: whether the request is ours (SPEC R12). When it is, it is
   * answered (`done` is called once the answer is written); when not, nothing is written and
   * the adapter passes it on. Never throws.
   */
  serve(req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo, done?: () => void): boolean;
  /** Serves a Node request; `false` means not ours and nothing was written (SPEC R12). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Like serve(), as a promise that settles once the answer is written. */
  dispatch(req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo): Promise<boolean>;
  /** Runs a function through the same pipeline as HTTP, without a server. */
  invoke(target: string, input?: InvokeInput): Promise<InvokeResult>;
  /** Calls `listener` with every log record; returns the function that stops it. */
  onRecord(listener: (record: LogRecord) => void): () => void;
  /**
   * Re-reads the configuration and gives fresh instances to the functions that changed (or that
   * `changedFiles` touch); the others keep theirs. An invalid configuration changes nothing and
   * is returned as `{ ok: false, error }`: the previous version keeps serving (issue #6).
   */
  reload(changedFiles?: readonly string[]): Promise<ReloadResult>;
  /**
   * Whether it is ready to serve (issue #15): `ok` once every module loaded or failed, `loading`
   * before, `draining` once close() began; with how many functions are in each state.
   */
  health(): HostHealth;
  /** Drains in-flight calls, then stops runners, timers and watchers. */
  close(): Promise<void>;
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * SPEC R44: the runners implement one interface; the rest of the core cannot tell them apart.
 * Their late events (SPEC R47) are warnings, kept on the invocation's record too (issue #15).
 */
function createRunner(options: ResolvedOptions, warn: (warning: FunctionsWarning) => void, records: RecordHub): Runner {
  const onEvent = (event: RunnerEvent): void => {
    const code = event.level === 'WARN' ? 'HSF_WARN_LATE_EVENT' : 'HSF_WARN_LATE_ERROR';
    records.warn(event.requestId, { code, message: event.message, at: Date.now() });
    warn({ code, message: `request ${event.requestId} (${event.functionId}): ${event.message}`, functionId: event.functionId });
  };
  if (options.isolation === 'inline') return createInlineRunner({ closeTimeoutMs: options.closeTimeoutMs, onEvent, outbound: options.outbound });
  if (options.isolation === 'process') return createProcessRunner({ ...options, onEvent });
  return createWorkerRunner({ ...options, onEvent });
}

/** A warning handler that throws must not break mounting or a request. */
function safeWarn(options: ResolvedOptions): (warning: FunctionsWarning) => void {
  return (warning) => {
    try {
      options.onWarning(warning);
    } catch {
      // Ignored: a warning is advice.
    }
  };
}

/** This package's version, for the telemetry's instrumentation scope. */
function packageVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('hubspot-functions/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Creates a host for one or more functions folders.
 * @param source a `.functions` folder, a folder with a serverless.json, a project root, or an array (SPEC R1)
 * @example
 * const host = createFunctionsHost('./src/app.functions');
 * await host.ready;
 * const { statusCode, body } = await host.invoke('/_hcms/api/hello');
 */
export function createFunctionsHost(source: string | string[], options: AllOptions = {}): FunctionsHost {
  const resolved = normalizeOptions(options);
  const warn = safeWarn(resolved);
  const { definitions, warnings } = loadDefinitions(source, { prefix: resolved.prefix, duplicateRoutes: resolved.duplicateRoutes });
  reserveDashboardPath(definitions, resolved.dashboard?.path ?? null);
  for (const w of warnings) warn(w);
  // A child process gets its own TZ (SPEC R30); threads and inline share the host's zone.
  if (resolved.isolation !== 'process') warnIfHostNotUtc(resolved.isolation, warn);

  const production = process.env.NODE_ENV === 'production';
  // Records also go to the shared log store (issue #15); its outages are one warning each.
  const storeHealth = resolved.logStore === null ? null : createLogStoreHealth(warn);
  const storeSink = resolved.logStore === null ? null : createLogStoreSink(resolved.logStore, storeHealth!);
  const records = createRecordHub(resolved, storeSink);
  const runner = createRunner(resolved, warn, records);
  // Spans need every invocation's record: with telemetry, records are always built.
  const telemetry = createInvocationTelemetry(resolved.telemetry, packageVersion());
  const limiter = createLimiter(resolved.rateLimit, { onWarning: warn });
  const set: FunctionSet = createFunctionSet({ source, options: resolved, runner, warn, definitions, warnings });
  let closed = false;
  const pipeline = createPipeline({
    options: resolved, runner, limiter, production, functions: () => set.registry.functions,
    closed: () => closed, listening: telemetry === null ? records.listening : () => true, emit: records.emit, telemetry,
  });
  const edge = createHttpEdge({ router: () => set.router, pipeline, options: resolved, production });
  const dashboard: Dashboard | null = resolved.dashboard === null ? null : createDashboard({
    options: resolved.dashboard, routes: () => set.registry.routes(), subscribe: records.subscribe, subscribeLate: records.subscribeLate,
    shared: resolved.logStore === null ? null : { store: resolved.logStore, instance: resolved.instance, health: storeHealth! },
    budget: resolved.rateLimit === null ? null : { budgetMs: resolved.rateLimit.budgetMs, windowMs: resolved.rateLimit.windowMs },
  });
  const invoker = createInvoker({ definitions: () => set.definitions, router: () => set.router, pipeline });
  // The host's one entry never throws and never rejects (issue #10 item 1): the edge answers its
  // own failures, and a failure of the dashboard is answered here, as JSON with a request id (SPEC R48).
  const serve: FunctionsHost['serve'] = (req, res, info, done) => {
    if (dashboard === null || !dashboard.owns(info.path)) return edge.serve(req, res, info, done);
    const failed = (error: unknown): void => {
      writeInternalError(res, error, randomUUID(), production);
      done?.();
    };
    try {
      dashboard.handle(req, res, info).then(done, failed);
    } catch (error) {
      failed(error);
    }
    return true;
  };
  const dispatch = (req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo): Promise<boolean> =>
    new Promise((resolve) => {
      if (!serve(req, res, info, () => resolve(true))) resolve(false);
    });
  const reload = async (changedFiles: readonly string[] = []): Promise<ReloadResult> => {
    const result = await set.reload(changedFiles);
    if (result.ok) dashboard?.notifyRoutes();
    return result;
  };
  const watcher = resolved.watch ? startWatching(source, reload, warn) : null;
  let closing: Promise<void> | undefined;

  return {
    get routes() {
      return set.registry.routes();
    },
    ready: set.registry.ready,
    match(method, path) {
      const def = set.router.table.match(method.toUpperCase(), path);
      return def ? set.registry.routes().find((r) => r.id === def.id) : undefined;
    },
    serve,
    handle: (req, res) => dispatch(req, res, { path: pathOf(req.url) }),
    dispatch,
    invoke: (target, input) => invoker.invoke(target, input),
    reload,
    onRecord: records.subscribe,
    health() {
      const functions = { loaded: 0, failed: 0, pending: 0 };
      for (const fn of set.registry.functions.values()) functions[fn.status]++;
      const status = closed ? 'draining' : functions.pending > 0 ? 'loading' : 'ok';
      return { status, functions };
    },
    close() {
      closing ??= (async () => {
        closed = true;
        watcher?.close();
        dashboard?.close();
        await set.close();
        await set.registry.ready.catch(() => undefined);
        await runner.close();
        await limiter.close();
        // The last records reach the shared log (bounded in time); the store itself is the caller's.
        await storeSink?.close();
      })();
      return closing;
    },
  };
}
