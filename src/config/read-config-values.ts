// Typed readers for the values serverless.json and *-hsmeta.json share: objects, strings,
// `environment` and `secrets` (SPEC R2, R7). Type errors throw HSF_CONFIG_INVALID naming the file,
// the JSON path and the fix; soft problems become warnings.
import { HubSpotFunctionsError } from '../errors';
import { createWarning, formatJsonPath, type WarningSink } from './config-warnings';
import type { FunctionsWarning } from '../types';

/** Where a value sits: the absolute config file and the JSON path segments from its root. */
export interface ValueLocation {
  file: string;
  segments: Array<string | number>;
}

/** A plain JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

/** A value as it should appear in a message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

/** Builds the HSF_CONFIG_INVALID error for the value at `at`, for the caller to throw. */
export function invalid(at: ValueLocation, problem: string, fix: string): HubSpotFunctionsError {
  return new HubSpotFunctionsError('HSF_CONFIG_INVALID', `${at.file}: ${formatJsonPath(...at.segments)} ${problem}. ${fix}`);
}

/** Requires a JSON object. */
export function requireObject(value: unknown, at: ValueLocation, example: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(at, `is ${describe(value)}, not an object`, `Write an object, e.g. ${example}.`);
  }
  return value as JsonObject;
}

/** Requires a non-empty string. */
export function requireString(value: unknown, at: ValueLocation, example: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    const what = value === undefined ? 'is missing' : `is ${describe(value)}, not a non-empty string`;
    throw invalid(at, what, `Set it to a string, e.g. ${example}.`);
  }
  return value;
}

/** Warns about each key not in `known` (SPEC R7: unknown keys are ignored, with a warning). */
export function warnUnknownKeys(object: JsonObject, known: readonly string[], at: ValueLocation, report: (w: FunctionsWarning) => void): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    report(createWarning('HSF_WARN_UNKNOWN_KEY', { file: at.file, jsonPath: formatJsonPath(...at.segments, key) },
      'is not a key HubSpot defines here; it is ignored.', `Known keys: ${known.join(', ')}. Check the spelling or remove it.`));
  }
}

// SPEC R7: names Lambda reserves; HubSpot runs on Lambda, so such a value would not reach the function there.
const RESERVED_ENV = /^(AWS_.*|LAMBDA_.*|_HANDLER|TZ)$/;

/** Warns when a name is one AWS Lambda reserves. */
export function warnReservedName(name: string, jsonPath: string, file: string, report: (w: FunctionsWarning) => void): void {
  if (!RESERVED_ENV.test(name)) return;
  report(createWarning('HSF_WARN_RESERVED_ENV', { file, jsonPath },
    `names ${JSON.stringify(name)}, which AWS Lambda reserves: on HubSpot the function would not see this value.`,
    'Rename it (e.g. with a prefix of your own).'));
}

/**
 * Reads an `environment` object; numbers and booleans are coerced to strings with a warning,
 * anything else is HSF_CONFIG_INVALID (SPEC R7, R30).
 */
export function readEnvironment(value: unknown, at: ValueLocation, report: WarningSink): Record<string, string> {
  if (value === undefined) return {};
  const object = requireObject(value, at, '{ "API_BASE": "https://example.com" }');
  // Null prototype: a key such as "__proto__" is a plain name, never a prototype change.
  const environment: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, raw] of Object.entries(object)) {
    const jsonPath = formatJsonPath(...at.segments, name);
    // A name with '=' or NUL cannot be an environment variable in any process.
    if (name === '' || /[=\0]/.test(name)) {
      throw invalid({ file: at.file, segments: [...at.segments, name] }, 'is not a valid environment variable name',
        'Use letters, digits and underscores.');
    }
    warnReservedName(name, jsonPath, at.file, report);
    if (typeof raw === 'string') {
      environment[name] = raw;
    } else if (typeof raw === 'number' || typeof raw === 'boolean') {
      environment[name] = String(raw);
      report(createWarning('HSF_WARN_ENV_COERCED', { file: at.file, jsonPath },
        `is ${describe(raw)}; functions receive it as the string ${JSON.stringify(String(raw))}.`,
        'Quote the value in the JSON to make that explicit.'));
    } else {
      throw invalid({ file: at.file, segments: [...at.segments, name] }, `is ${describe(raw)}; environment values are strings`,
        'Write the value as a string (JSON-encode structured values and parse them in the function).');
    }
  }
  return environment;
}

/** Reads a `secrets` (or `secretKeys`) array of names, deduplicated in order (SPEC R2, R30). */
export function readSecretNames(value: unknown, at: ValueLocation, report: WarningSink): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw invalid(at, `is ${describe(value)}, not an array of secret names`, 'Write e.g. ["HUBSPOT_API_KEY"].');
  }
  const names: string[] = [];
  value.forEach((name: unknown, index: number) => {
    if (typeof name !== 'string' || name === '' || /[=\0]/.test(name)) {
      throw invalid({ file: at.file, segments: [...at.segments, index] }, `is ${describe(name)}, not a secret name`,
        'Write the secret\'s name as a string (its value comes from the secrets provider).');
    }
    warnReservedName(name, formatJsonPath(...at.segments, index), at.file, report);
    if (!names.includes(name)) names.push(name);
  });
  return names;
}
