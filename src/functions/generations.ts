// The registries a function set has created, one per reload that prepared something (issue #6):
// which generation owns each function id, so that an older registry's secret refresh never
// overwrites a newer instance, and which ids each generation still serves, so that one whose
// functions were all replaced stops its timers.
import type { FunctionDefinition, Runner } from '../definitions';
import type { ResolvedOptions } from '../options';
import type { FunctionsWarning, RouteInfo } from '../types';
import { createFunctionRegistry, type FunctionRegistry, type RegisteredFunction } from './function-registry';

/** One registry and the ids it still serves. */
export interface Generation {
  registry: FunctionRegistry;
  live: Set<string>;
}

/** The generations of one function set. */
export interface Generations {
  /** Prepares these definitions in a new registry, which now owns their ids. */
  start(defs: readonly FunctionDefinition[]): Generation;
  /** These ids are served by `current` now (or by nobody); older generations drop them. */
  handOver(ids: readonly string[], current: Generation | undefined): void;
  /** A removed id: no generation owns it any more. */
  forget(id: string): void;
  /** The route info of each function as its current owner sees it. */
  routes(functions: ReadonlyMap<string, RegisteredFunction>): Map<string, RouteInfo>;
  close(): void;
}

/** Creates the generations of a function set over its runner. */
export function createGenerations(runner: Runner, options: ResolvedOptions, warn: (warning: FunctionsWarning) => void): Generations {
  const owner = new Map<string, number>();
  const live: Generation[] = [];
  let generations = 0;
  // A registry only reaches the runner for ids its generation still owns.
  const gatedRunner = (generation: number): Runner => ({
    prepare: (spec) => owner.get(spec.definition.id) === generation ? runner.prepare(spec) : Promise.resolve({ ok: true }),
    run: (request) => runner.run(request),
    release: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
  return {
    start(defs) {
      const generation = ++generations;
      for (const d of defs) owner.set(d.id, generation);
      const entry = { registry: createFunctionRegistry(defs, options, gatedRunner(generation), warn), live: new Set(defs.map((d) => d.id)) };
      live.push(entry);
      return entry;
    },
    handOver(ids, current) {
      for (const id of ids) for (const entry of live) if (entry !== current) entry.live.delete(id);
      for (let i = live.length - 1; i >= 0; i--) {
        if (live[i].live.size > 0) continue;
        live[i].registry.close();
        live.splice(i, 1);
      }
    },
    forget: (id) => owner.delete(id),
    routes(functions) {
      const byId = new Map<string, RouteInfo>();
      for (const entry of live) {
        for (const route of entry.registry.routes()) {
          if (functions.get(route.id) === entry.registry.functions.get(route.id)) byId.set(route.id, route);
        }
      }
      return byId;
    },
    close() {
      for (const entry of live) entry.registry.close();
    },
  };
}
