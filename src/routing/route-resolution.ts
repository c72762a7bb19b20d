// Route resolutions (SPEC R3, R11-R13, issue #12): what a method on a path gets, for HTTP
// and invoke() alike: run a function, answer a preflight, refuse with 405 and Allow, or step aside
// (not ours). Every answer is computed once at mount, per path and method: a request costs a
// Map lookup or two and allocates nothing.
import type { FunctionDefinition } from '../definitions';

/** What a request gets from the routes. */
export type RouteResolution =
  | { readonly type: 'not-ours' }
  /** SPEC R13: OPTIONS answers 204 with Allow (and CORS when on) without running anything. */
  | { readonly type: 'preflight'; readonly allow: string }
  /** SPEC R13: the path is served, not for this method. */
  | { readonly type: 'method-not-allowed'; readonly allow: string; readonly definition: FunctionDefinition }
  /** An endpoint function (HEAD on a GET endpoint runs it as GET, SPEC R13). */
  | { readonly type: 'endpoint'; readonly definition: FunctionDefinition }
  /** A private app function, called by name (SPEC R3, R40; `appFunctionsRoute`). */
  | { readonly type: 'app-function'; readonly definition: FunctionDefinition };

export const NOT_OURS: RouteResolution = Object.freeze({ type: 'not-ours' });

/** Resolves methods on one path, from answers made at mount. */
export interface PathRoutes {
  resolve(method: string): RouteResolution;
}

/**
 * The answers of one path: `runs` maps each method that runs a function to its answer; the
 * others get the preflight (OPTIONS) or the 405.
 */
export function createPathRoutes(runs: ReadonlyMap<string, RouteResolution>, allow: string, refused: FunctionDefinition): PathRoutes {
  const preflight: RouteResolution = Object.freeze({ type: 'preflight', allow });
  const notAllowed: RouteResolution = Object.freeze({ type: 'method-not-allowed', allow, definition: refused });
  return {
    resolve(method: string): RouteResolution {
      return runs.get(method) ?? (method === 'OPTIONS' ? preflight : notAllowed);
    },
  };
}
