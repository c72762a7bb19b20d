// The dashboard's path is reserved in the route table (issue #6): a function served there would
// be hidden by it, so that is a configuration error at mount time (SPEC R7), like a duplicate route.
import type { FunctionDefinition } from '../definitions';
import { HubSpotFunctionsError } from '../errors';

/**
 * Throws when a function's path is the dashboard's path or below it.
 * @throws HubSpotFunctionsError HSF_CONFIG_DUPLICATE_ROUTE naming the config file
 */
export function reserveDashboardPath(definitions: readonly FunctionDefinition[], dashboardPath: string | null): void {
  if (dashboardPath === null) return;
  for (const definition of definitions) {
    const path = definition.path;
    if (path === null) continue;
    if (path === dashboardPath || path.startsWith(`${dashboardPath}/`)) {
      throw new HubSpotFunctionsError('HSF_CONFIG_DUPLICATE_ROUTE',
        `${definition.configFile}: the function "${definition.name}" is served at ${path}, which the dashboard reserves (${dashboardPath}). ` +
          'Rename the endpoint, or move the dashboard with the `dashboard.path` option.');
    }
  }
}
