// The framework-agnostic host: configuration at mount (SPEC R7), modules behind `ready`, one
// pipeline for HTTP and `invoke`, and close(). Adapters only translate to and from it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadDefinitions } from '../config/load-definitions';
import type { Runner, RunnerEvent } from '../definitions';
import { createLimiter } from '../limits/create-limiter';
import { createStderrSink } from '../logs/format-log-record';
import { normalizeOptions, type AllOptions } from '../options';
import { createInlineRunner } from '../runner/inline-runner';
import { createProcessRunner } from '../runner/process-runner';
import { createWorkerRunner } from '../runner/worker-runner';
import type { LogRecord, RouteInfo } from '../types';
import { createAppFunctionRoute } from './app-function-route';
import { createHttpDispatcher, type FrameworkRequestInfo } from './dispatch-http';
import { createInvoker, type InvokeInput, type InvokeResult } from './invoke';
import { createPipeline } from './pipeline';
import { warnIfHostNotUtc } from './warn-timezone';
import { createDashboard } from '../dashboard/create-dashboard';
import { reserveDashboardPath } from '../dashboard/reserve-dashboard-path';
import { createFunctionSet, type ReloadResult } from '../watch/function-set';
import { startWatching } from '../watch/start-watching';

/** A mounted set of functions, independent of any framework. */
export interface FunctionsHost {
  /** One entry per function (SPEC R9), with its load status. */
  readonly routes: RouteInfo[];
  /** Settles when every module loaded or failed; rejects only under `strict` (SPEC R7). */
  readonly ready: Promise<{ loaded: number; failed: number }>;
  /** The function serving `method` on `path` (HEAD finds GET), or undefined. */
  match(method: string, path: string): RouteInfo | undefined;
  /** Serves a Node request; `false` means not ours and nothing was written (SPEC R12). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** For adapters: like handle(), with what the framework knows (mount-relative path, parsed body). */
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
  /** Drains in-flight calls, then stops runners, timers and watchers. */
  close(): Promise<void>;
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
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
  const { definitions, warnings } = loadDefinitions(source, {
    prefix: resolved.prefix,
    duplicateRoutes: resolved.duplicateRoutes,
  });
  const warn = (w: Parameters<typeof resolved.onWarning>[0]): void => {
    try {
      resolved.onWarning(w);
    } catch {
      // A throwing warning handler must not break mounting.
    }
  };
  reserveDashboardPath(definitions, resolved.dashboard?.path ?? null);
  for (const w of warnings) warn(w);
  // A child process gets its own TZ (SPEC R30); threads and inline share the host's zone.
  if (resolved.isolation !== 'process') warnIfHostNotUtc(resolved.isolation, warn);

  const production = process.env.NODE_ENV === 'production';
  const listeners = new Set<(record: LogRecord) => void>();
  const sink = resolved.onLog ?? (resolved.defaultLogSink ? createStderrSink() : null);
  const emit = (record: LogRecord): void => {
    if (sink) {
      try {
        sink(record);
      } catch {
        // A throwing log sink must not fail the request it logs.
      }
    }
    for (const listener of listeners) {
      try {
        listener(record);
      } catch {
        // Same for record listeners.
      }
    }
  };

  const onEvent = (event: RunnerEvent): void =>
    warn({
      code: event.level === 'WARN' ? 'HSF_WARN_LATE_EVENT' : 'HSF_WARN_LATE_ERROR',
      message: `request ${event.requestId} (${event.functionId}): ${event.message}`,
      functionId: event.functionId,
    });
  // SPEC R44: the three runners implement one interface; the rest of the core cannot tell them apart.
  const pooled = {
    memoryLimitMb: resolved.memoryLimitMb,
    concurrencyPerWorker: resolved.concurrencyPerWorker,
    maxWorkersPerFunction: resolved.maxWorkersPerFunction,
    maxQueuePerFunction: resolved.maxQueuePerFunction,
    workerIdleMs: resolved.workerIdleMs,
    closeTimeoutMs: resolved.closeTimeoutMs,
    onEvent,
  };
  const runner: Runner =
    resolved.isolation === 'process' ? createProcessRunner(pooled)
      : resolved.isolation === 'worker' ? createWorkerRunner(pooled)
        : createInlineRunner({ closeTimeoutMs: resolved.closeTimeoutMs, onEvent });
  const limiter = createLimiter(resolved.rateLimit, { onWarning: warn });
  // The definitions, route table and registry are replaceable: watch mode reloads them (issue #6).
  const set = createFunctionSet({ source, options: resolved, runner, warn, definitions, warnings });
  let appFunctionRoute = resolved.appFunctionsRoute ? createAppFunctionRoute(resolved.prefix.projects, definitions) : null;
  let closed = false;
  const pipeline = createPipeline({ options: resolved, runner, limiter, emit, production });
  const http = createHttpDispatcher({
    options: resolved,
    table: () => set.table,
    appFunctions: () => appFunctionRoute,
    registry: () => set.registry,
    pipeline,
    closed: () => closed,
  });
  const dashboard = resolved.dashboard === null ? null : createDashboard({
    options: resolved.dashboard,
    routes: () => set.registry.routes(),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const dispatch = async (req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo): Promise<boolean> => {
    if (dashboard?.owns(info.path)) {
      await dashboard.handle(req, res, info);
      return true;
    }
    return http.dispatch(req, res, info);
  };
  const reload = async (changedFiles: readonly string[] = []): Promise<ReloadResult> => {
    const result = await set.reload(changedFiles);
    if (result.ok) {
      appFunctionRoute = resolved.appFunctionsRoute ? createAppFunctionRoute(resolved.prefix.projects, set.definitions) : null;
      dashboard?.notifyRoutes();
    }
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
      const def = set.table.match(method.toUpperCase(), path);
      return def ? set.registry.routes().find((r) => r.id === def.id) : undefined;
    },
    handle(req, res) {
      return dispatch(req, res, { path: pathOf(req.url) });
    },
    dispatch,
    invoke(target, input) {
      const { definitions: current, table, registry } = set;
      return createInvoker({ definitions: current, table, registry, pipeline, closed: () => closed }).invoke(target, input);
    },
    reload,
    onRecord(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
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
      })();
      return closing;
    },
  };
}
