// Configuration warnings (SPEC R7): stable codes, and one way to build the message so every
// warning names the absolute file, the JSON path and what to do.
import type { FunctionDefinition } from '../definitions';
import type { FunctionsWarning } from '../types';

/** Every configuration warning code, with what it means (SPEC R7, R8). */
export const WARNING_CODES = {
  HSF_WARN_NO_CONFIG: 'A `.functions` folder found by the search has no serverless.json; it is skipped',
  HSF_WARN_NO_FUNCTIONS: 'A serverless.json declares no `endpoints` and no `appFunctions`',
  HSF_WARN_UNKNOWN_KEY: 'A key HubSpot does not define; it is ignored',
  HSF_WARN_ENV_COERCED: 'A non-string `environment` value was turned into a string',
  HSF_WARN_RESERVED_ENV: 'An environment or secret name that AWS Lambda reserves (`AWS_*`, `_HANDLER`, `LAMBDA_*`, `TZ`)',
  HSF_WARN_SECRET_SHADOWS_ENV: 'A secret has the same name as an environment variable; the secret wins',
  HSF_WARN_SECRET_LIMIT: 'More than 50 distinct secrets, HubSpot\'s account limit',
  HSF_WARN_ENDPOINT_LIMIT: 'More than 100 endpoints, HubSpot\'s account limit',
  HSF_WARN_DUPLICATE_ROUTE: 'With `duplicateRoutes: \'last-wins\'`, a later function took over a method and path',
} as const;

/** One of the stable warning codes. */
export type WarningCode = keyof typeof WARNING_CODES;

/** Receives each warning as it is found. */
export type WarningSink = (warning: FunctionsWarning) => void;

/** Builds a warning whose message reads `<file>: <jsonPath> <problem> <fix>`. */
export function createWarning(
  code: WarningCode,
  where: { file: string; jsonPath?: string; functionId?: string },
  problem: string,
  fix: string,
): FunctionsWarning {
  const at = where.jsonPath === undefined ? '' : ` ${where.jsonPath}`;
  const warning: FunctionsWarning = { code, message: `${where.file}:${at} ${problem} ${fix}`, file: where.file };
  if (where.jsonPath !== undefined) warning.jsonPath = where.jsonPath;
  if (where.functionId !== undefined) warning.functionId = where.functionId;
  return warning;
}

/** Reports a warning and, when it concerns one function, records it on that definition too. */
export function reportWarning(sink: WarningSink, warning: FunctionsWarning, definition?: FunctionDefinition): void {
  if (definition !== undefined) {
    warning.functionId ??= definition.id;
    definition.warnings.push(warning.message);
  }
  sink(warning);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a JSON path the way a reader finds it in the file: `endpoints["events/update"].method`.
 * @param segments keys from the root; numbers are array indexes
 */
export function formatJsonPath(...segments: Array<string | number>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}
