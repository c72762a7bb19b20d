// Mount-time configuration (SPEC R1–R10): from the mount argument to the list of route entries,
// every config problem found now rather than on the first request (SPEC R7). Synchronous on
// purpose: mounting never loads function modules; those load behind `ready`.
import path from 'node:path';
import type { FunctionDefinition } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import type { FunctionsWarning } from '../types';
import { applyDuplicatePolicy } from './apply-duplicate-policy';
import { attempt, type BuildContext } from './build-definition';
import { createWarning, type WarningSink } from './config-warnings';
import { discoverSources } from './discover-sources';
import { readHsmeta } from './read-hsmeta';
import { readServerlessJson } from './read-serverless-json';

/** What loadDefinitions needs besides the sources. */
export interface LoadDefinitionsOptions {
  /** Normalized prefixes: leading slash, no trailing slash, '' for the root (SPEC R10). */
  prefix: { designManager: string; projects: string };
  /** What a route served twice does (SPEC R8). */
  duplicateRoutes: 'error' | 'last-wins';
  /** Where relative sources resolve and what ids are relative to. @default process.cwd() */
  cwd?: string;
  /**
   * Collects every configuration error and goes on (what validate reports), instead of throwing
   * the first (what mounting does, SPEC R7). The messages are the same either way.
   */
  errors?: HubSpotFunctionsError[];
}

// HubSpot's account limits (SPEC R7): past them a deploy to HubSpot would fail.
const MAX_SECRETS = 50;
const MAX_ENDPOINTS = 100;

/**
 * Reads every functions folder and hsmeta file behind `sources` into definitions, in mount order.
 * @throws HubSpotFunctionsError with a HSF_SOURCE_NOT_FOUND or HSF_CONFIG_* code
 * @example
 * const { definitions, warnings } = loadDefinitions('./src/app', { prefix: DEFAULT_PREFIX, duplicateRoutes: 'error' });
 */
export function loadDefinitions(
  sources: string | string[],
  options: LoadDefinitionsOptions,
): { definitions: FunctionDefinition[]; warnings: FunctionsWarning[] } {
  const list = typeof sources === 'string' ? [sources] : sources;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new TypeError(`hubspot-functions: the functions source must be a path or an array of paths; got ${String(sources)}`);
  }
  if (list.length === 0) {
    throw new HubSpotFunctionsError('HSF_SOURCE_NOT_FOUND',
      'No functions source was given (an empty array). Pass a `.functions` folder or a project folder.');
  }
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const warnings: FunctionsWarning[] = [];
  const warn: WarningSink = (w) => { warnings.push(w); };
  const errors = options.errors;
  const context: BuildContext = { cwd, prefix: options.prefix, warn, ...(errors ? { errors } : {}) };
  // One configuration file at a time: with a collector, a file that cannot be read at all (invalid
  // JSON, not an object) is one error and the next file is read.
  const read = <T>(fn: () => T, fallback: T): T => attempt(context, { value: false }, fn, fallback);

  const all: FunctionDefinition[] = [];
  for (const source of discoverSources(list, cwd, warn)) {
    let served = 0;
    for (const config of source.configs) {
      const errorsBefore = errors?.length ?? 0;
      if (config.type === 'serverless') {
        all.push(...read(() => readServerlessJson(config.folder, config.configFile, context), []));
        served += 1;
      } else {
        const definition = read(() => readHsmeta(config.file, context), null);
        if (definition !== null) all.push(definition);
        // An app function with errors still counts: it is reported, not "no functions".
        if (definition !== null || (errors?.length ?? 0) > errorsBefore) served += 1;
      }
    }
    // hsmeta files of other types (cards, settings) are found too; a source of only those serves nothing.
    if (source.configs.length > 0 && served === 0) {
      read(() => {
        throw new HubSpotFunctionsError('HSF_SOURCE_NOT_FOUND',
          `${source.source} holds no functions: its *-hsmeta.json files describe no "app-function". ` +
            'Pass a `.functions` folder, or a project folder with an app-function hsmeta file.');
      }, undefined);
    }
  }
  all.forEach((definition, index) => { definition.order = index; });

  const definitions = applyDuplicatePolicy(all, options.duplicateRoutes, warn, errors);
  checkAccountLimits(definitions, warn);
  return { definitions, warnings };
}

/** Warns past HubSpot's account limits: 50 secrets, 100 endpoints (SPEC R7). */
function checkAccountLimits(definitions: readonly FunctionDefinition[], warn: WarningSink): void {
  const secrets = new Set<string>();
  let endpoints = 0;
  let secretWarned = false;
  let endpointWarned = false;
  for (const definition of definitions) {
    for (const name of definition.secrets) secrets.add(name);
    if (!secretWarned && secrets.size > MAX_SECRETS) {
      secretWarned = true;
      warn(createWarning('HSF_WARN_SECRET_LIMIT', { file: definition.configFile },
        `brings the number of distinct secrets past ${MAX_SECRETS}, HubSpot's account limit: this set would not deploy to HubSpot.`,
        'Share secrets between functions, or combine values into one secret.'));
    }
    if (definition.path !== null) endpoints += 1;
    if (!endpointWarned && endpoints > MAX_ENDPOINTS) {
      endpointWarned = true;
      warn(createWarning('HSF_WARN_ENDPOINT_LIMIT', { file: definition.configFile },
        `brings the number of endpoints past ${MAX_ENDPOINTS}, HubSpot's account limit: this set would not deploy to HubSpot.`,
        'Combine endpoints (one function can branch on a parameter).'));
    }
  }
}
