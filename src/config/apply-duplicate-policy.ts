// Duplicate routes (SPEC R8): the same method on the same URL path from two entries, across
// folders or formats. Default: a config error naming both files. `last-wins`: the later entry in
// mount order takes that method over, as HubSpot lets the most recent deploy win.
import type { FunctionDefinition } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import { createWarning, formatJsonPath, reportWarning, type WarningSink } from './config-warnings';
import { canonicalPath } from '../routing/canonical-path';

/**
 * Checks definitions (in mount order) for duplicate routes; returns the definitions that still
 * serve something. Under `last-wins` an earlier entry loses the taken methods, and is dropped
 * when it has none left.
 * @param errors collects every duplicate under `'error'` instead of throwing the first (validate)
 * @throws HubSpotFunctionsError HSF_CONFIG_DUPLICATE_ROUTE under `'error'`
 */
export function applyDuplicatePolicy(
  definitions: readonly FunctionDefinition[],
  mode: 'error' | 'last-wins',
  warn: WarningSink,
  errors?: HubSpotFunctionsError[],
): FunctionDefinition[] {
  const owners = new Map<string, FunctionDefinition>();
  for (const definition of definitions) {
    if (definition.path === null) continue;
    for (const method of definition.methods) {
      // `a b` and `a%20b` are one URL (SPEC R11): compare canonical encodings.
      const key = `${method} ${canonicalPath(definition.path)}`;
      const earlier = owners.get(key);
      owners.set(key, definition);
      if (earlier === undefined) continue;
      if (mode === 'error') {
        const error = new HubSpotFunctionsError('HSF_CONFIG_DUPLICATE_ROUTE',
          `${method} ${definition.path} is served twice: by ${describeEntry(earlier)} and by ${describeEntry(definition)}. ` +
            'Rename one of the paths, remove one entry, or pass `duplicateRoutes: \'last-wins\'` to let the later one win.');
        if (errors === undefined) throw error;
        errors.push(error);
        continue;
      }
      earlier.methods = earlier.methods.filter((m) => m !== method);
      const left = earlier.methods.length === 0 ? ' It serves nothing else and is dropped.' : '';
      const warning = createWarning('HSF_WARN_DUPLICATE_ROUTE',
        { file: definition.configFile, jsonPath: entryJsonPath(definition), functionId: definition.id },
        `takes ${method} ${definition.path} over from ${describeEntry(earlier)} (duplicateRoutes: 'last-wins').${left}`,
        'Rename one of the paths if both should serve.');
      reportWarning(warn, warning, definition);
      earlier.warnings.push(warning.message);
    }
  }
  return definitions.filter((d) => d.path === null || d.methods.length > 0);
}

/** `<file> at <json path>`, naming where an entry is declared. */
function describeEntry(definition: FunctionDefinition): string {
  return `${definition.configFile} at ${entryJsonPath(definition)}`;
}

/** The JSON path of the key that gives an entry its URL path. */
function entryJsonPath(definition: FunctionDefinition): string {
  if (definition.kind === 'endpoint') return formatJsonPath('endpoints', definition.name);
  if (definition.kind === 'appFunction') return formatJsonPath('appFunctions', definition.name, 'endpoint', 'path');
  return formatJsonPath('config', 'endpoint', 'path');
}
