// Reads one `*-hsmeta.json` (SPEC R4, platform 2026.03+): `{ uid, type: "app-function", config:
// { entrypoint, endpoint?: { path, methods }, secretKeys? } }`. Other component types (cards,
// settings pages) share the file name pattern and are skipped without a word.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { FunctionDefinition } from '../definitions';
import type { FunctionsWarning } from '../types';
import { attempt, buildDefinition, type BuildContext } from './build-definition';
import { createWarning, formatJsonPath } from './config-warnings';
import { parseMethods } from './parse-methods';
import { readJsonFile } from './read-json-file';
import { invalid, readSecretNames, requireObject, requireString, warnUnknownKeys } from './read-config-values';
import { resolveFunctionFile } from './resolve-function-file';

const TOP_KEYS = ['uid', 'type', 'config', '$schema'] as const;
const CONFIG_KEYS = ['entrypoint', 'endpoint', 'secretKeys'] as const;
const ENDPOINT_KEYS = ['path', 'methods'] as const;

/**
 * Reads an hsmeta file; returns null when it describes something other than an app function, or
 * (with `context.errors`) when it has errors, which are then all recorded (SPEC R7).
 */
export function readHsmeta(file: string, context: BuildContext): FunctionDefinition | null {
  const top = requireObject(readJsonFile(file, 'the hsmeta file'), { file, segments: [] }, '{ "uid": "...", "type": "app-function", "config": { ... } }');
  if (top.type !== 'app-function') return null;
  const failed = { value: false };
  const part = <T>(read: () => T, fallback: T): T => attempt(context, failed, read, fallback);
  const pending: FunctionsWarning[] = [];
  const report = (w: FunctionsWarning): void => { pending.push(w); };
  warnUnknownKeys(top, TOP_KEYS, { file, segments: [] }, report);
  const uid = part(() => requireString(top.uid, { file, segments: ['uid'] }, '"fetch-quote-function"'), '');
  const config = part(() => requireObject(top.config, { file, segments: ['config'] }, '{ "entrypoint": "/app/functions/x.js" }'), null);
  if (config === null) return null;
  warnUnknownKeys(config, CONFIG_KEYS, { file, segments: ['config'] }, report);
  const entrypoint = part(() => requireString(config.entrypoint, { file, segments: ['config', 'entrypoint'] }, '"/app/functions/x.js"'), null);

  let rawEndpoint: string | null = null;
  let methods: string[] = [];
  const endpointSegments = ['config', 'endpoint'];
  if (config.endpoint !== undefined) {
    const endpoint = part(() => requireObject(config.endpoint, { file, segments: endpointSegments }, '{ "path": "/api/x", "methods": ["GET"] }'), null);
    if (endpoint !== null) {
      // hsmeta says `methods` (plural); `method`, the serverless.json spelling, is still honoured.
      const methodKey = endpoint.methods === undefined && endpoint.method !== undefined ? 'method' : 'methods';
      if (methodKey === 'method') {
        report(createWarning('HSF_WARN_UNKNOWN_KEY', { file, jsonPath: formatJsonPath(...endpointSegments, 'method') },
          'is the serverless.json spelling; hsmeta files use `methods`. It was read as `methods`.', 'Rename the key to "methods".'));
      }
      warnUnknownKeys(endpoint, [...ENDPOINT_KEYS, methodKey], { file, segments: endpointSegments }, report);
      rawEndpoint = part(() => requireString(endpoint.path, { file, segments: [...endpointSegments, 'path'] }, '"/api/x"'), null);
      methods = part(() => parseMethods(endpoint[methodKey], { file, segments: [...endpointSegments, methodKey] }), []);
    }
  }

  // SPEC R4: the entrypoint's leading slash means "the project's source directory", not the disk root.
  const functionFile = entrypoint === null ? '' : part(() => resolveFunctionFile(findProjectSourceDir(file), entrypoint.replace(/^[/\\]+/, ''),
    { file, jsonPath: formatJsonPath('config', 'entrypoint') }), '');
  const secrets = part(() => readSecretNames(config.secretKeys, { file, segments: ['config', 'secretKeys'] }, report), []);
  if (failed.value) return null;

  return part(() => buildDefinition({
    kind: 'hsmeta',
    name: uid,
    idBase: file,
    rawEndpoint,
    endpointAt: { file, segments: [...endpointSegments, 'path'] },
    methods,
    file: functionFile,
    folder: path.dirname(file),
    configFile: file,
    environment: {},
    secrets,
    isProject: true,
    entryPath: formatJsonPath('config'),
    warnings: pending,
  }, context), null);
}

/**
 * The project's source directory: `srcDir` of the nearest hsproject.json above the hsmeta file
 * (default `src`), as HubSpot's CLI resolves it (SPEC R4).
 */
function findProjectSourceDir(hsmetaFile: string): string {
  let dir = path.dirname(hsmetaFile);
  for (;;) {
    const projectFile = path.join(dir, 'hsproject.json');
    if (statSync(projectFile, { throwIfNoEntry: false })?.isFile() === true) {
      const project = requireObject(readJsonFile(projectFile, 'hsproject.json'), { file: projectFile, segments: [] }, '{ "name": "...", "srcDir": "src" }');
      const srcDir = project.srcDir === undefined ? 'src' : requireString(project.srcDir, { file: projectFile, segments: ['srcDir'] }, '"src"');
      return path.resolve(dir, srcDir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw invalid({ file: hsmetaFile, segments: ['config', 'entrypoint'] },
    'is relative to the project\'s source directory, but no hsproject.json was found above this file',
    'Mount the function inside its HubSpot project (the folder with hsproject.json).');
}
