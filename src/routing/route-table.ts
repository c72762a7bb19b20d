// The route table (SPEC R11, R13): literal paths to functions, one Map lookup per request.
//
// Encoded or decoded? Frameworks report the path percent-encoded (`req.url`, Express `req.path`,
// Koa `ctx.path`), while a config path is literal characters (SPEC R11): `"café"` or `"a b"` is
// what the author typed, and a browser asks for `/caf%C3%A9` and `/a%20b`. So the table is keyed
// by literal (decoded) paths and a request path containing `%` is decoded before the lookup. If
// decoding fails (a stray `%`) or finds nothing, the path as sent is tried too, so a config path
// that itself contains an escape (`"a%20b"`) stays reachable the way it is written. `%2F` decodes
// to `/`: `events%2Fupdate` reaches `events/update`, the only function it could mean.
import type { FunctionDefinition } from '../definitions';

/** What a URL path serves: its functions by method, and the `Allow` header value (SPEC R13). */
export interface RouteMatch {
  /** The configured methods (upper-case) and their functions; HEAD and OPTIONS are not listed. */
  definitions: ReadonlyMap<string, FunctionDefinition>;
  /** Configured methods in the order GET, POST, PUT, PATCH, DELETE, then HEAD (with GET) and OPTIONS. */
  allow: string;
}

/** The lookup side of the route table. */
export interface RouteTable {
  /** What serves `path` (the URL path without query, as the framework reports it), if anything. */
  matchPath(path: string): RouteMatch | undefined;
  /** The function for `method` on `path`; HEAD finds the GET function (SPEC R13). */
  match(method: string, path: string): FunctionDefinition | undefined;
}

const ALLOW_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Builds the route table from definitions that already passed the duplicate check (SPEC R8);
 * should two still share a method and path, the later one in the array wins. Private functions
 * (no path) are never routed (SPEC R3).
 */
export function createRouteTable(definitions: readonly FunctionDefinition[]): RouteTable {
  const byPath = new Map<string, Map<string, FunctionDefinition>>();
  for (const definition of definitions) {
    if (definition.path === null) continue;
    const key = stripTrailingSlash(definition.path);
    let methods = byPath.get(key);
    if (methods === undefined) byPath.set(key, (methods = new Map()));
    for (const method of definition.methods) methods.set(method, definition);
  }

  const routes = new Map<string, RouteMatch>();
  for (const [key, methods] of byPath) {
    const ordered = new Map<string, FunctionDefinition>();
    for (const method of ALLOW_ORDER) {
      const definition = methods.get(method);
      if (definition !== undefined) ordered.set(method, definition);
    }
    if (ordered.size === 0) continue;
    const allow = [...ordered.keys()];
    // SPEC R13: HEAD runs the GET function; OPTIONS is always answered.
    if (ordered.has('GET')) allow.push('HEAD');
    allow.push('OPTIONS');
    routes.set(key, Object.freeze({ definitions: ordered, allow: allow.join(', ') }));
  }

  function matchPath(path: string): RouteMatch | undefined {
    // SPEC R11: matching is case-sensitive and one trailing slash is ignored.
    const raw = stripTrailingSlash(path);
    if (!raw.includes('%')) return routes.get(raw);
    let decoded: string | undefined;
    try {
      decoded = stripTrailingSlash(decodeURIComponent(path));
    } catch {
      decoded = undefined; // A `%` that starts no escape: the path can only mean itself.
    }
    return (decoded === undefined ? undefined : routes.get(decoded)) ?? routes.get(raw);
  }

  return {
    matchPath,
    match(method: string, path: string): FunctionDefinition | undefined {
      const route = matchPath(path);
      if (route === undefined) return undefined;
      return route.definitions.get(method) ?? (method === 'HEAD' ? route.definitions.get('GET') : undefined);
    },
  };
}

/** Removes one trailing slash, keeping `/` itself. */
function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.charCodeAt(path.length - 1) === 47 /* / */ ? path.slice(0, -1) : path;
}
