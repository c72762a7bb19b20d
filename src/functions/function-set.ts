// The host's current functions, replaceable while serving (issue #6, `watch`): the definitions,
// the router and the registered functions, plus reload(), which re-reads the configuration
// and prepares fresh instances of only what changed. A reload whose configuration is invalid
// changes nothing: the previous version keeps serving (SPEC R7 errors are reported, not fatal).
import { createRequire } from 'node:module';
import { loadDefinitions } from '../config/load-definitions';
import type { FunctionDefinition, Runner } from '../definitions';
import { reserveDashboardPath } from '../dashboard/reserve-dashboard-path';
import type { FunctionRegistry, RegisteredFunction } from './function-registry';
import { createGenerations, type Generation } from './generations';
import type { ResolvedOptions } from '../options';
import { createRouter, type Router } from '../routing/create-router';
import type { FunctionsWarning, RouteInfo } from '../types';
import { planReload } from './plan-reload';

/** What one reload did. */
export type ReloadResult =
  | { ok: true; added: string[]; changed: string[]; removed: string[]; failed: string[] }
  | { ok: false; error: Error };

/** The replaceable state of a host. */
export interface FunctionSet {
  readonly definitions: readonly FunctionDefinition[];
  /** The route resolution of the current configuration (SPEC R11-R13). */
  readonly router: Router;
  /** Every current function, whichever registry prepared it. */
  readonly registry: FunctionRegistry;
  /** Re-reads the configuration; prepares fresh instances for what `changedFiles` and the config diff touch. */
  reload(changedFiles?: readonly string[]): Promise<ReloadResult>;
  /** Stops every registry's timers; waits for a reload in progress. */
  close(): Promise<void>;
}

/** Creates the function set of a host from its mount-time definitions and starts loading their modules (behind `registry.ready`). */
export function createFunctionSet(deps: {
  source: string | string[];
  options: ResolvedOptions;
  runner: Runner;
  warn: (warning: FunctionsWarning) => void;
  /** The mount-time configuration, already checked and its warnings already reported. */
  definitions: readonly FunctionDefinition[];
  warnings: readonly FunctionsWarning[];
}): FunctionSet {
  const { options, warn } = deps;
  const load = () => {
    const result = loadDefinitions(deps.source, { prefix: options.prefix, duplicateRoutes: options.duplicateRoutes });
    reserveDashboardPath(result.definitions, options.dashboard?.path ?? null);
    return result;
  };
  // A reload reports only warnings it has not reported before.
  let seenWarnings = new Set(deps.warnings.map((w) => w.message));

  let definitions: readonly FunctionDefinition[] = deps.definitions;
  const routerOf = (defs: readonly FunctionDefinition[]): Router => createRouter(defs, options.appFunctionsRoute ? options.prefix.projects : null);
  let router = routerOf(definitions);
  const generations = createGenerations(deps.runner, options, warn);
  const first = generations.start(definitions);
  const functions = new Map<string, RegisteredFunction>(first.registry.functions);

  const registry: FunctionRegistry = {
    functions,
    ready: first.registry.ready,
    routes(): RouteInfo[] {
      const byId = generations.routes(functions);
      return definitions.map((d) => byId.get(d.id)).filter((r): r is RouteInfo => r !== undefined);
    },
    close: () => generations.close(),
  };

  async function reloadNow(changedFiles: readonly string[]): Promise<ReloadResult> {
    let next;
    try {
      next = load();
    } catch (error) {
      return { ok: false, error: error as Error };
    }
    for (const w of next.warnings) if (!seenWarnings.has(w.message)) warn(w);
    seenWarnings = new Set(next.warnings.map((w) => w.message));
    const plan = planReload(definitions, next.definitions, changedFiles);
    const fresh = [...plan.added, ...plan.changed];
    forgetCachedModules(changedFiles);
    let prepared: Generation | undefined;
    if (fresh.length > 0) {
      prepared = generations.start(fresh);
      // Old instances keep serving until the new ones are loaded (in-flight calls finish on them).
      await prepared.registry.ready.catch(() => undefined);
    }
    // The swap itself is synchronous: a request sees either the old set or the new one.
    if (prepared) for (const [id, fn] of prepared.registry.functions) functions.set(id, fn);
    for (const d of plan.removed) {
      functions.delete(d.id);
      generations.forget(d.id);
      // Its instance or workers end once their calls finish (they would otherwise idle on).
      void deps.runner.release(d.id);
    }
    generations.handOver([...plan.removed, ...fresh].map((d) => d.id), prepared);
    definitions = next.definitions;
    router = routerOf(definitions);
    const failed = fresh.filter((d) => functions.get(d.id)?.status === 'failed').map((d) => d.id);
    return { ok: true, added: plan.added.map((d) => d.id), changed: plan.changed.map((d) => d.id), removed: plan.removed.map((d) => d.id), failed };
  }

  let queue: Promise<unknown> = Promise.resolve();
  return {
    get definitions() {
      return definitions;
    },
    get router() {
      return router;
    },
    registry,
    reload(changedFiles = []) {
      // One reload at a time, in order: a save during a reload is applied after it.
      const run = queue.then(() => reloadNow(changedFiles));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      registry.close();
      await queue;
    },
  };
}

const localRequire = createRequire(__filename);

/**
 * Drops changed files from the shared CommonJS require cache, so that the next instance of a
 * function sees an edited helper module. (The function file itself is compiled fresh for each
 * instance; ES modules cannot be unloaded: a new instance imports a new URL and the old module
 * stays in memory until the process ends.)
 */
function forgetCachedModules(files: readonly string[]): void {
  for (const file of files) delete localRequire.cache[file];
}
