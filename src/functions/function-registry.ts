// The functions of one host and their lifecycle: secrets resolved, environment built, module
// loaded by the runner behind `ready` (SPEC R7: mounting does only synchronous work), statuses
// for the route table, and secrets re-read every `secretsRefreshMs` (HubSpot's one-minute cache).
import { availableParallelism } from 'node:os';
import type { FunctionDefinition, Runner } from '../definitions';
import { createSecretsResolver, type SecretsResolver } from '../env/secrets';
import type { ResolvedOptions } from '../options';
import type { FunctionsWarning, RouteInfo } from '../types';
import { summarizeLoading } from './summarize-loading';
import { prepareFunction, type PrepareContext } from './prepare-function';
import { refreshSecretsEvery } from './refresh-secrets';

/** One function of the host and what it was prepared with. */
export interface RegisteredFunction {
  readonly definition: FunctionDefinition;
  status: 'pending' | 'loaded' | 'failed';
  error?: string;
  /** Declared secrets that have a value, for `context.secrets` (SPEC R29). */
  contextSecrets: Record<string, string>;
  redactions: Array<[string, string]>;
  /** Settles when the current preparation finished; never rejects. */
  prepared: Promise<void>;
  /** Starts this function's loading now if it is still waiting in the load queue (a request wants it). */
  prioritize(): void;
  /** The secret values the current instance was built with, to detect rotation. */
  secretValues: Record<string, string | undefined>;
}

export interface FunctionRegistry {
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  readonly ready: Promise<{ loaded: number; failed: number }>;
  routes(): RouteInfo[];
  close(): void;
}

/** How many modules load at once while `ready` settles (inline: cheap, mostly file reads). */
const INLINE_LOAD_CONCURRENCY = 8;

/**
 * Worker and child-process starts are CPU-bound (~60 and ~100 ms each): starting more at once
 * than there are cores only slows every one of them, the one a waiting request needs included
 * (issue #7: a 100-function folder took 550 ms to its first 200 with 8 at once on one core).
 */
function loadConcurrency(isolation: ResolvedOptions['isolation']): number {
  return isolation === 'inline' ? INLINE_LOAD_CONCURRENCY : Math.max(1, availableParallelism());
}

/**
 * Queues every function for loading and returns what starts the queue: `concurrency` at once (a
 * folder of 100 functions must not open 100 workers at once); a function a request wants jumps
 * the queue (`prioritize`, issue #7). Each `prepared` gate exists from now on.
 */
function queueLoading(functions: readonly RegisteredFunction[], concurrency: number, resolver: SecretsResolver, context: PrepareContext): () => Promise<void> {
  const queue = [...functions];
  const gates = new Map<string, () => void>();
  for (const fn of queue) fn.prepared = new Promise<void>((resolve) => gates.set(fn.definition.id, resolve));
  async function load(fn: RegisteredFunction): Promise<void> {
    try {
      await prepareFunction(fn, await resolver.resolve(fn.definition), context);
    } catch (error) {
      fn.status = 'failed';
      fn.error = error instanceof Error ? error.message : String(error);
    } finally {
      gates.get(fn.definition.id)?.();
    }
  }
  for (const fn of queue) {
    fn.prioritize = () => {
      const i = queue.indexOf(fn);
      if (i === -1) return;
      queue.splice(i, 1);
      void load(fn);
    };
  }
  async function worker(): Promise<void> {
    for (let fn = queue.shift(); fn; fn = queue.shift()) await load(fn);
  }
  return () => Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker)).then(() => undefined);
}

/** A function as `host.routes` lists it (SPEC R9). */
function routeInfo(fn: RegisteredFunction): RouteInfo {
  const d = fn.definition;
  const info: RouteInfo = {
    id: d.id, kind: d.kind, name: d.name, methods: [...d.methods], path: d.path, file: d.file, folder: d.folder,
    secrets: [...d.secrets], env: Object.keys(d.environment), status: fn.status, warnings: [...d.warnings],
  };
  if (fn.error !== undefined) info.error = fn.error;
  return info;
}

/** Registers the definitions and starts loading them in the background. */
export function createFunctionRegistry(
  definitions: readonly FunctionDefinition[],
  options: ResolvedOptions,
  runner: Runner,
  warn: (warning: FunctionsWarning) => void,
): FunctionRegistry {
  const context: PrepareContext = { options, runner, hostEnv: process.env };
  const resolver = createSecretsResolver(options.secrets, context.hostEnv);
  const functions = new Map<string, RegisteredFunction>();
  for (const definition of definitions) {
    functions.set(definition.id, {
      definition, status: 'pending', contextSecrets: {}, redactions: [], prepared: Promise.resolve(),
      prioritize: () => undefined, secretValues: {},
    });
  }
  const all = [...functions.values()];
  const startLoading = queueLoading(all, loadConcurrency(options.isolation), resolver, context);
  const ready = (async () => {
    // Yield once so that mounting stays synchronous and cheap (SPEC R7).
    await Promise.resolve();
    await startLoading();
    return summarizeLoading(all, definitions, options, warn);
  })();
  // A strict failure must reach whoever awaits `ready`, never crash a host that did not.
  ready.catch(() => undefined);
  const stopRefreshing = refreshSecretsEvery(all, { resolver, context, ready, warn });
  return {
    functions,
    ready,
    routes: () => all.map(routeInfo),
    close: stopRefreshing,
  };
}
