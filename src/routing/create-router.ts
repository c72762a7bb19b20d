// The one route resolution (SPEC R3, R11-R13, issue #12), for HTTP and invoke() alike: the route
// table of the endpoints, then (with `appFunctionsRoute`) the app functions by name. Built once
// per configuration (at mount and at each reload).
import type { FunctionDefinition } from '../definitions';
import { createAppFunctionRoute } from './app-function-route';
import { NOT_OURS, type RouteResolution } from './route-resolution';
import { createRouteTable, type RouteTable } from './route-table';

/** Resolves requests against one configuration. */
export interface Router {
  readonly table: RouteTable;
  /** What `method` (upper-case) on `path` (mount-relative, as sent, no query) gets. */
  resolve(method: string, path: string): RouteResolution;
}

/**
 * Creates the router of a configuration.
 * @param appFunctionsPrefix the projects prefix when `appFunctionsRoute` is on, else null
 * @example createRouter(definitions, null).resolve('GET', '/_hcms/api/hello').type // 'endpoint'
 */
export function createRouter(definitions: readonly FunctionDefinition[], appFunctionsPrefix: string | null): Router {
  const table = createRouteTable(definitions);
  const appFunctions = appFunctionsPrefix === null ? null : createAppFunctionRoute(appFunctionsPrefix, definitions);
  return {
    table,
    resolve(method, path) {
      const routes = table.matchPath(path) ?? appFunctions?.match(path);
      return routes === undefined ? NOT_OURS : routes.resolve(method);
    },
  };
}
