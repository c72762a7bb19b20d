// The route table (SPEC R11, R13): literal paths to functions, one Map lookup per request.
//
// Encoded or decoded? A config path is literal characters; a request path is percent-encoded as
// the client sent it. The table is keyed by each configured path's canonical percent-encoding
// (canonical-path.ts), and a request path is looked up as sent, never decoded (SPEC R11, revised
// in issue #10): decoding would let `%61dmin` or `admin%2Freport` walk around a guard the host
// mounted on `/_hcms/api/admin`. A configured path whose characters can be sent as they are
// (`{x}`, `:id`, `*`) is also reachable as typed, as a framework route of that path would be.
import type { FunctionDefinition } from '../definitions';
import { canonicalPath, normalizeEscapes } from './canonical-path';
import { createPathRoutes, type PathRoutes, type RouteResolution } from './route-resolution';

/** What a URL path serves: its functions by method, and the `Allow` header value (SPEC R13). */
export interface RouteMatch extends PathRoutes {
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
    // Two spellings of one URL (`a b`, `a%20b`) are one route.
    const key = canonicalPath(stripTrailingSlash(definition.path));
    let methods = byPath.get(key);
    if (methods === undefined) byPath.set(key, (methods = new Map<string, FunctionDefinition>()));
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
    const runs = new Map<string, RouteResolution>();
    for (const [method, definition] of ordered) runs.set(method, Object.freeze({ type: 'endpoint', definition }));
    if (runs.has('GET')) runs.set('HEAD', runs.get('GET')!);
    const header = allow.join(', ');
    const route: RouteMatch = Object.freeze({ definitions: ordered, allow: header, ...createPathRoutes(runs, header, ordered.values().next().value!) });
    routes.set(key, route);
  }

  // A path whose characters can be sent as typed (`{x}`) is reachable that way too.
  for (const definition of definitions) {
    if (definition.path === null) continue;
    const typed = stripTrailingSlash(definition.path);
    const route = routes.get(canonicalPath(typed));
    if (route !== undefined && sendableAsTyped(typed) && !routes.has(typed)) routes.set(typed, route);
  }

  function matchPath(path: string): RouteMatch | undefined {
    // SPEC R11: matching is case-sensitive, one trailing slash is ignored, nothing is decoded.
    const sent = stripTrailingSlash(path);
    return routes.get(sent) ?? (sent.includes('%') ? routes.get(normalizeEscapes(sent)) : undefined);
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

/** Whether a literal path could arrive in a request line as typed: printable ASCII, no `%`, `#` or `?`. */
function sendableAsTyped(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f || code === 0x25 || code === 0x23 || code === 0x3f) return false;
  }
  return true;
}
