// The framework-agnostic host: configuration at mount (SPEC R7), modules behind `ready`, one
// pipeline for HTTP and `invoke`, and close(). Adapters only translate to and from it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadDefinitions } from '../config/load-definitions';
import type { Runner } from '../definitions';
import { createLimiter } from '../limits/create-limiter';
import { createStderrSink } from '../logs/format-log-record';
import { normalizeOptions, type AllOptions } from '../options';
import { createRouteTable } from '../routing/route-table';
import { createInlineRunner } from '../runner/inline-runner';
import type { LogRecord, RouteInfo } from '../types';
import { createAppFunctionRoute } from './app-function-route';
import { createHttpDispatcher, type FrameworkRequestInfo } from './dispatch-http';
import { createFunctionRegistry } from './function-registry';
import { createInvoker, type InvokeInput, type InvokeResult } from './invoke';
import { createPipeline } from './pipeline';
import { warnIfHostNotUtc } from './warn-timezone';

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
  for (const w of warnings) warn(w);
  warnIfHostNotUtc(resolved.isolation, warn);

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

  const runner: Runner = createInlineRunner({
    closeTimeoutMs: resolved.closeTimeoutMs,
    onEvent: (event) =>
      warn({
        code: event.level === 'WARN' ? 'HSF_WARN_LATE_EVENT' : 'HSF_WARN_LATE_ERROR',
        message: `request ${event.requestId} (${event.functionId}): ${event.message}`,
        functionId: event.functionId,
      }),
  });
  const limiter = createLimiter(resolved.rateLimit, { onWarning: warn });
  const registry = createFunctionRegistry(definitions, resolved, runner, warn);
  const table = createRouteTable(definitions);
  const appFunctionRoute = resolved.appFunctionsRoute ? createAppFunctionRoute(resolved.prefix.projects, definitions) : null;
  let closed = false;
  const pipeline = createPipeline({ options: resolved, runner, limiter, emit, production });
  const http = createHttpDispatcher({
    options: resolved,
    table: () => table,
    appFunctions: () => appFunctionRoute,
    registry: () => registry,
    pipeline,
    closed: () => closed,
  });
  const invoker = createInvoker({ definitions, table, registry, pipeline, closed: () => closed });
  let closing: Promise<void> | undefined;

  return {
    get routes() {
      return registry.routes();
    },
    ready: registry.ready,
    match(method, path) {
      const def = table.match(method.toUpperCase(), path);
      return def ? registry.routes().find((r) => r.id === def.id) : undefined;
    },
    handle(req, res) {
      return http.dispatch(req, res, { path: pathOf(req.url) });
    },
    dispatch(req, res, info) {
      return http.dispatch(req, res, info);
    },
    invoke(target, input) {
      return invoker.invoke(target, input);
    },
    onRecord(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        closed = true;
        registry.close();
        await registry.ready.catch(() => undefined);
        await runner.close();
        await limiter.close();
      })();
      return closing;
    },
  };
}
