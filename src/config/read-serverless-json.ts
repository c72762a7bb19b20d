// Reads one serverless.json: the design-manager `endpoints` (SPEC R2) and the projects
// `appFunctions` (SPEC R3), which one file may hold together. Each entry becomes one definition.
import type { FunctionDefinition } from '../definitions';
import type { FunctionsWarning } from '../types';
import { buildDefinition, type BuildContext } from './build-definition';
import { createWarning, formatJsonPath } from './config-warnings';
import { parseMethods } from './parse-methods';
import { readJsonFile } from './read-json-file';
import {
  readEnvironment, readSecretNames, requireObject, requireString, warnUnknownKeys, type JsonObject,
} from './read-config-values';
import { resolveFunctionFile } from './resolve-function-file';

// SPEC R2, R3: the keys HubSpot documents; anything else is a warning (SPEC R7).
const TOP_KEYS = ['runtime', 'version', 'environment', 'secrets', 'endpoints', 'appFunctions'] as const;
const ENDPOINT_KEYS = ['method', 'file', 'environment', 'secrets'] as const;
// `environment` on an app function is not documented, but merged like an endpoint's rather than dropped.
const APP_FUNCTION_KEYS = ['file', 'secrets', 'endpoint', 'environment'] as const;
const APP_ENDPOINT_KEYS = ['path', 'method'] as const;

/** Reads a functions folder's serverless.json into definitions, in file order (endpoints, then appFunctions). */
export function readServerlessJson(folder: string, configFile: string, context: BuildContext): FunctionDefinition[] {
  const file = configFile;
  const top = requireObject(readJsonFile(file, 'serverless.json'), { file, segments: [] }, '{ "endpoints": { ... } }');
  warnUnknownKeys(top, TOP_KEYS, { file, segments: [] }, context.warn);
  if (top.runtime !== undefined) requireString(top.runtime, { file, segments: ['runtime'] }, '"nodejs20.x"');
  if (top.version !== undefined && typeof top.version !== 'number') requireString(top.version, { file, segments: ['version'] }, '"1.0"');
  const environment = readEnvironment(top.environment, { file, segments: ['environment'] }, context.warn);
  const secrets = readSecretNames(top.secrets, { file, segments: ['secrets'] }, context.warn);

  const definitions: FunctionDefinition[] = [];
  const endpoints = top.endpoints === undefined ? {} : requireObject(top.endpoints, { file, segments: ['endpoints'] }, '{ "events": { "file": "events.js" } }');
  for (const [name, value] of Object.entries(endpoints)) {
    const segments = ['endpoints', name];
    const pending: FunctionsWarning[] = [];
    const entry = requireObject(value, { file, segments }, '{ "method": "GET", "file": "events.js" }');
    warnUnknownKeys(entry, ENDPOINT_KEYS, { file, segments }, (w) => pending.push(w));
    definitions.push(buildDefinition({
      kind: 'endpoint',
      name,
      idBase: folder,
      rawEndpoint: name,
      endpointAt: { file, segments },
      methods: parseMethods(entry.method, { file, segments: [...segments, 'method'] }),
      ...readEntryFiles(entry, folder, file, segments, environment, secrets, pending),
      isProject: false,
      entryPath: formatJsonPath(...segments),
      warnings: pending,
    }, context));
  }

  const appFunctions = top.appFunctions === undefined ? {} : requireObject(top.appFunctions, { file, segments: ['appFunctions'] }, '{ "myFunction": { "file": "my-function.js" } }');
  for (const [name, value] of Object.entries(appFunctions)) {
    const segments = ['appFunctions', name];
    const pending: FunctionsWarning[] = [];
    const entry = requireObject(value, { file, segments }, '{ "file": "my-function.js" }');
    warnUnknownKeys(entry, APP_FUNCTION_KEYS, { file, segments }, (w) => pending.push(w));
    let rawEndpoint: string | null = null;
    let methods: string[] = [];
    const endpointSegments = [...segments, 'endpoint'];
    if (entry.endpoint !== undefined) {
      const endpoint = requireObject(entry.endpoint, { file, segments: endpointSegments }, '{ "path": "fetch-quote", "method": ["GET"] }');
      warnUnknownKeys(endpoint, APP_ENDPOINT_KEYS, { file, segments: endpointSegments }, (w) => pending.push(w));
      rawEndpoint = requireString(endpoint.path, { file, segments: [...endpointSegments, 'path'] }, '"fetch-quote"');
      methods = parseMethods(endpoint.method, { file, segments: [...endpointSegments, 'method'] });
    }
    definitions.push(buildDefinition({
      kind: 'appFunction',
      name,
      // SPEC R9: ids are unique; an app function named like an endpoint of the same file keeps its section.
      ...(Object.hasOwn(endpoints, name) ? { idName: `appFunctions/${name}` } : {}),
      idBase: folder,
      rawEndpoint,
      endpointAt: { file, segments: [...endpointSegments, 'path'] },
      methods,
      ...readEntryFiles(entry, folder, file, segments, environment, secrets, pending),
      isProject: true,
      entryPath: formatJsonPath(...segments),
      warnings: pending,
    }, context));
  }

  if (definitions.length === 0) {
    context.warn(createWarning('HSF_WARN_NO_FUNCTIONS', { file },
      'declares no `endpoints` and no `appFunctions`, so this folder serves nothing.',
      'Add an entry, e.g. "endpoints": { "events": { "file": "events.js" } }.'));
  }
  return definitions;
}

/** The parts every entry shares: its file (SPEC R6) and its merged environment and secrets (SPEC R30). */
function readEntryFiles(
  entry: JsonObject,
  folder: string,
  file: string,
  segments: string[],
  topEnvironment: Record<string, string>,
  topSecrets: string[],
  pending: FunctionsWarning[],
): { file: string; folder: string; configFile: string; environment: Record<string, string>; secrets: string[] } {
  const relative = requireString(entry.file, { file, segments: [...segments, 'file'] }, '"events.js"');
  const report = (w: FunctionsWarning): void => { pending.push(w); };
  const own = readEnvironment(entry.environment, { file, segments: [...segments, 'environment'] }, report);
  const ownSecrets = readSecretNames(entry.secrets, { file, segments: [...segments, 'secrets'] }, report);
  return {
    file: resolveFunctionFile(folder, relative, { file, jsonPath: formatJsonPath(...segments, 'file') }),
    folder,
    configFile: file,
    // SPEC R30: top level first, the entry's own values win.
    environment: { ...topEnvironment, ...own },
    secrets: [...new Set([...topSecrets, ...ownSecrets])],
  };
}
