// The functions behind a command's paths, for the commands that work per folder (install,
// doctor, secrets): every definition is kept, a route served twice included, since that matters
// to serving, not to installing packages or reading secrets (SPEC R8 is `validate`'s and the
// mount's to report). Any other configuration error is thrown, as at mount (SPEC R7).
import { loadDefinitions } from '../config/load-definitions';
import type { FunctionDefinition } from '../definitions';
import type { HubSpotFunctionsError } from '../errors';
import { normalizeOptions } from '../options';

/**
 * Every function under `paths`.
 * @param keepGoing collect configuration errors (returned) instead of throwing the first
 */
export function loadFolderDefinitions(paths: readonly string[], cwd: string, prefix: string | undefined, keepGoing = false): { definitions: FunctionDefinition[]; errors: HubSpotFunctionsError[] } {
  const resolved = normalizeOptions({ onWarning: () => undefined, ...(prefix === undefined ? {} : { prefix }) });
  const collected: HubSpotFunctionsError[] = [];
  const { definitions } = loadDefinitions(paths.length > 0 ? [...paths] : ['.'], { prefix: resolved.prefix, duplicateRoutes: 'error', cwd, errors: collected });
  const errors = collected.filter((e) => e.code !== 'HSF_CONFIG_DUPLICATE_ROUTE');
  if (!keepGoing && errors.length > 0) throw errors[0];
  return { definitions, errors };
}
