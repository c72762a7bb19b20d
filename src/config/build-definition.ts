// Turns one validated route entry into a FunctionDefinition (SPEC R9): its id, its endpoint and URL
// path (SPEC R10, R11), and the checks that need the merged environment and secrets (SPEC R7).
import path from 'node:path';
import type { FunctionDefinition } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import type { FunctionKind, FunctionsWarning } from '../types';
import { createWarning, reportWarning, type WarningSink } from './config-warnings';
import { invalid, type ValueLocation } from './read-config-values';

/** What a reader knows about one route entry. */
export interface EntryInput {
  kind: FunctionKind;
  name: string;
  /** The id's part after '#', when it must differ from `name` (an app function named like an endpoint). */
  idName?: string;
  /** Path for the id: the functions folder, or the hsmeta file. */
  idBase: string;
  /** The configured endpoint path as written, or null for a private function. */
  rawEndpoint: string | null;
  /** Where `rawEndpoint` sits, for messages. */
  endpointAt: ValueLocation;
  methods: string[];
  file: string;
  folder: string;
  configFile: string;
  environment: Record<string, string>;
  secrets: string[];
  isProject: boolean;
  /** Where the entry sits, for per-function warnings. */
  entryPath: string;
  /** Warnings found while reading this entry; reported with the definition's id. */
  warnings: FunctionsWarning[];
}

/** Context every reader shares. */
export interface BuildContext {
  cwd: string;
  prefix: { designManager: string; projects: string };
  warn: WarningSink;
  /**
   * Where configuration errors go when a reader should go on (validate reports every one);
   * without it the first error throws, as mounting needs (SPEC R7).
   */
  errors?: HubSpotFunctionsError[];
}

/**
 * Runs one part of reading a configuration. Its HubSpotFunctionsError is thrown, or, when the
 * context collects errors, recorded (the caller then skips what depended on it) and `fallback`
 * returned; `failed.value` says whether that happened.
 */
export function attempt<T>(context: BuildContext, failed: { value: boolean }, read: () => T, fallback: T): T {
  try {
    return read();
  } catch (error) {
    if (context.errors === undefined || !(error instanceof HubSpotFunctionsError)) throw error;
    context.errors.push(error);
    failed.value = true;
    return fallback;
  }
}

/**
 * Builds the definition of one route entry; `order` is set later, in mount order (SPEC R8).
 */
export function buildDefinition(input: EntryInput, context: BuildContext): FunctionDefinition {
  const endpoint = input.rawEndpoint === null ? null : normalizeEndpoint(input.rawEndpoint, input.endpointAt);
  // SPEC R10: design-manager endpoints live under /_hcms/api, project functions under /hs/serverless.
  const prefix = input.kind === 'endpoint' ? context.prefix.designManager : context.prefix.projects;
  const definition: FunctionDefinition = {
    id: `${relativeToCwd(context.cwd, input.idBase)}#${input.idName ?? input.name}`,
    kind: input.kind,
    name: input.name,
    endpoint,
    methods: endpoint === null ? [] : input.methods,
    path: endpoint === null ? null : `${prefix}/${endpoint}`,
    file: input.file,
    folder: input.folder,
    configFile: input.configFile,
    environment: input.environment,
    secrets: input.secrets,
    isProject: input.isProject,
    warnings: [],
    order: -1,
  };
  for (const warning of input.warnings) reportWarning(context.warn, warning, definition);
  // SPEC R7 [doc]: a secret and an environment variable of the same name conflict; the secret wins.
  for (const name of input.secrets) {
    if (!Object.hasOwn(input.environment, name)) continue;
    reportWarning(context.warn, createWarning('HSF_WARN_SECRET_SHADOWS_ENV',
      { file: input.configFile, jsonPath: input.entryPath },
      `declares the secret ${JSON.stringify(name)} and an environment variable of the same name; the function sees the secret.`,
      'Rename one of them, as HubSpot asks.'), definition);
  }
  return definition;
}

/**
 * The config path without leading or trailing slashes (SPEC R11: leading slashes are ignored;
 * SPEC R20: `context.endpoint` has none). Anything else is literal, `:x` and `*` included.
 */
function normalizeEndpoint(raw: string, at: ValueLocation): string {
  const endpoint = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  if (endpoint === '') {
    throw invalid(at, `is ${JSON.stringify(raw)}, which leaves no path once slashes are removed`,
      'Name the endpoint, e.g. "events/update".');
  }
  return endpoint;
}

/** A path relative to cwd with forward slashes, so ids are the same on every platform; '.' for cwd. */
function relativeToCwd(cwd: string, target: string): string {
  const relative = path.relative(cwd, target).split(path.sep).join('/');
  return relative === '' ? '.' : relative;
}
