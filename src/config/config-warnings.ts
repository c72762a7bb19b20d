// Configuration warnings (SPEC R7): stable codes, and one way to build the message so every
// warning names the absolute file, the JSON path and what to do.
import type { FunctionDefinition } from '../definitions';
import type { FunctionsWarning } from '../types';
import type { WarningCode } from '../warnings';

export type { WarningCode } from '../warnings';

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
