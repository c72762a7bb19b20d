// The opt-in route that lets a locally served UI extension call app functions by name
// (issue #5, `appFunctionsRoute: true`): POST <projects prefix>/app-functions/<name>, with a
// JSON body { parameters, propertiesToSend, event } (SPEC R3, R40).
import type { FunctionDefinition } from '../definitions';
import { canonicalPath, normalizeEscapes } from './canonical-path';
import { createPathRoutes, type PathRoutes, type RouteResolution } from './route-resolution';

/** Finds app functions by name under `<projectsPrefix>/app-functions/`. */
export function createAppFunctionRoute(projectsPrefix: string, definitions: readonly FunctionDefinition[]) {
  const base = `${projectsPrefix}/app-functions/`;
  const byName = new Map<string, PathRoutes>();
  for (const d of definitions) {
    // appFunctions names and hsmeta uids: what a UI extension's runServerlessFunction names.
    const key = canonicalPath(d.name);
    if (d.kind === 'endpoint' || byName.has(key)) continue;
    // POST runs it; OPTIONS is a preflight; any other method a 405 (SPEC R13).
    const runs = new Map<string, RouteResolution>([['POST', Object.freeze({ type: 'app-function', definition: d })]]);
    byName.set(key, createPathRoutes(runs, 'POST, OPTIONS', d));
  }
  return {
    /** The answers of the app function a path names, or undefined when the path is not this route's. */
    match(path: string): PathRoutes | undefined {
      if (!path.startsWith(base)) return undefined;
      // SPEC R11: the name as sent, compared with each name's canonical percent-encoding.
      const sent = path.slice(base.length);
      const name = sent.endsWith('/') ? sent.slice(0, -1) : sent;
      return byName.get(name) ?? byName.get(normalizeEscapes(name));
    },
  };
}
