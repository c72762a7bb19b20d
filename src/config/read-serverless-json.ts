// Reads one serverless.json: the design-manager `endpoints` (SPEC R2) and the projects
// `appFunctions` (SPEC R3), which one file may hold together. Each entry becomes one definition.
import type { FunctionDefinition } from '../definitions';
import type { FunctionsWarning } from '../types';
import { attempt, buildDefinition, type BuildContext } from './build-definition';
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

/**
 * Reads a functions folder's serverless.json into definitions, in file order (endpoints, then
 * appFunctions). With `context.errors`, an invalid entry is recorded and skipped, and reading goes
 * on, so that validate reports every problem of the file in one run (SPEC R7).
 */
export function readServerlessJson(folder: string, configFile: string, context: BuildContext): FunctionDefinition[] {
  const file = configFile;
  const top = requireObject(readJsonFile(file, 'serverless.json'), { file, segments: [] }, '{ "endpoints": { ... } }');
  const fileFailed = { value: false };
  const part = <T>(read: () => T, fallback: T): T => attempt(context, fileFailed, read, fallback);
  warnUnknownKeys(top, TOP_KEYS, { file, segments: [] }, context.warn);
  if (top.runtime !== undefined) part(() => requireString(top.runtime, { file, segments: ['runtime'] }, '"nodejs20.x"'), '');
  if (top.version !== undefined && typeof top.version !== 'number') part(() => requireString(top.version, { file, segments: ['version'] }, '"1.0"'), '');
  const environment = part(() => readEnvironment(top.environment, { file, segments: ['environment'] }, context.warn), {});
  const secrets = part(() => readSecretNames(top.secrets, { file, segments: ['secrets'] }, context.warn), []);

  const definitions: FunctionDefinition[] = [];
  const endpoints = top.endpoints === undefined ? {} : part(() => requireObject(top.endpoints, { file, segments: ['endpoints'] }, '{ "events": { "file": "events.js" } }'), {});
  for (const [name, value] of Object.entries(endpoints)) {
    const segments = ['endpoints', name];
    const pending: FunctionsWarning[] = [];
    const failed = { value: false };
    const entryPart = <T>(read: () => T, fallback: T): T => attempt(context, failed, read, fallback);
    const entry = entryPart(() => requireObject(value, { file, segments }, '{ "method": "GET", "file": "events.js" }'), null);
    if (entry === null) continue;
    warnUnknownKeys(entry, ENDPOINT_KEYS, { file, segments }, (w) => pending.push(w));
    const methods = entryPart(() => parseMethods(entry.method, { file, segments: [...segments, 'method'] }), []);
    const files = readEntryFiles(entry, folder, file, segments, environment, secrets, pending, entryPart);
    if (failed.value) continue;
    const definition = entryPart(() => buildDefinition({
      kind: 'endpoint',
      name,
      idBase: folder,
      rawEndpoint: name,
      endpointAt: { file, segments },
      methods,
      ...files,
      isProject: false,
      entryPath: formatJsonPath(...segments),
      warnings: pending,
    }, context), null);
    if (definition !== null) definitions.push(definition);
  }

  const appFunctions = top.appFunctions === undefined ? {} : part(() => requireObject(top.appFunctions, { file, segments: ['appFunctions'] }, '{ "myFunction": { "file": "my-function.js" } }'), {});
  for (const [name, value] of Object.entries(appFunctions)) {
    const segments = ['appFunctions', name];
    const pending: FunctionsWarning[] = [];
    const failed = { value: false };
    const entryPart = <T>(read: () => T, fallback: T): T => attempt(context, failed, read, fallback);
    const entry = entryPart(() => requireObject(value, { file, segments }, '{ "file": "my-function.js" }'), null);
    if (entry === null) continue;
    warnUnknownKeys(entry, APP_FUNCTION_KEYS, { file, segments }, (w) => pending.push(w));
    let rawEndpoint: string | null = null;
    let methods: string[] = [];
    const endpointSegments = [...segments, 'endpoint'];
    if (entry.endpoint !== undefined) {
      const endpoint = entryPart(() => requireObject(entry.endpoint, { file, segments: endpointSegments }, '{ "path": "fetch-quote", "method": ["GET"] }'), null);
      if (endpoint !== null) {
        warnUnknownKeys(endpoint, APP_ENDPOINT_KEYS, { file, segments: endpointSegments }, (w) => pending.push(w));
        rawEndpoint = entryPart(() => requireString(endpoint.path, { file, segments: [...endpointSegments, 'path'] }, '"fetch-quote"'), null);
        methods = entryPart(() => parseMethods(endpoint.method, { file, segments: [...endpointSegments, 'method'] }), []);
      }
    }
    const files = readEntryFiles(entry, folder, file, segments, environment, secrets, pending, entryPart);
    if (failed.value) continue;
    const definition = entryPart(() => buildDefinition({
      kind: 'appFunction',
      name,
      // SPEC R9: ids are unique; an app function named like an endpoint of the same file keeps its section.
      ...(Object.hasOwn(endpoints, name) ? { idName: `appFunctions/${name}` } : {}),
      idBase: folder,
      rawEndpoint,
      endpointAt: { file, segments: [...endpointSegments, 'path'] },
      methods,
      ...files,
      isProject: true,
      entryPath: formatJsonPath(...segments),
      warnings: pending,
    }, context), null);
    if (definition !== null) definitions.push(definition);
  }

  if (definitions.length === 0 && !fileFailed.value && Object.keys(endpoints).length === 0 && Object.keys(appFunctions).length === 0) {
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
  part: <T>(read: () => T, fallback: T) => T,
): { file: string; folder: string; configFile: string; environment: Record<string, string>; secrets: string[] } {
  const relative = part(() => requireString(entry.file, { file, segments: [...segments, 'file'] }, '"events.js"'), null);
  const report = (w: FunctionsWarning): void => { pending.push(w); };
  const own = part(() => readEnvironment(entry.environment, { file, segments: [...segments, 'environment'] }, report), {});
  const ownSecrets = part(() => readSecretNames(entry.secrets, { file, segments: [...segments, 'secrets'] }, report), []);
  return {
    file: relative === null ? '' : part(() => resolveFunctionFile(folder, relative, { file, jsonPath: formatJsonPath(...segments, 'file') }), ''),
    folder,
    configFile: file,
    // SPEC R30: top level first, the entry's own values win.
    environment: { ...topEnvironment, ...own },
    secrets: [...new Set([...topSecrets, ...ownSecrets])],
  };
}
