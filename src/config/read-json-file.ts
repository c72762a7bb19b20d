// Reads a configuration file as JSON and, when it does not parse, says where (SPEC R7: "invalid
// JSON" is a mount-time error naming the file, the line and the column).
import { readFileSync } from 'node:fs';
import { HubSpotFunctionsError } from '../errors';

/**
 * Reads and parses a JSON file; a syntax error becomes HSF_CONFIG_INVALID_JSON with line and column.
 * @param what how to name the file in the fix, e.g. "serverless.json"
 */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new HubSpotFunctionsError(
      'HSF_CONFIG_INVALID',
      `${file}: cannot read ${what} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}). Check that the file exists and is readable.`,
      { cause },
    );
  }
  // Editors on Windows may save a byte-order mark; JSON.parse rejects it, HubSpot's CLI does not.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (cause) {
    const offset = findErrorOffset(text, (cause as Error).message);
    const { line, column } = lineAndColumn(text, offset);
    throw new HubSpotFunctionsError(
      'HSF_CONFIG_INVALID_JSON',
      `${file}: invalid JSON at line ${line}, column ${column}: ${(cause as Error).message}. ` +
        `Fix ${what} at that place (comments and trailing commas are not allowed in JSON).`,
      { cause },
    );
  }
}

/**
 * The offset of the first character JSON.parse rejects. V8 names it ("at position N") for most
 * errors; for "Unexpected token" and "Unexpected end" it does not, so we bisect for the longest
 * prefix that is still valid JSON or merely incomplete: the error is right after it.
 */
function findErrorOffset(text: string, message: string): number {
  const named = /at position (\d+)/.exec(message);
  if (named !== null) return Number(named[1]);
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (isViablePrefix(text.slice(0, mid))) good = mid;
    else bad = mid;
  }
  return isViablePrefix(text) ? text.length : good;
}

/** Whether a prefix parses, or fails only because it ends too early. */
function isViablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (/^Unexpected end|Unterminated/.test(message)) return true;
    const named = /at position (\d+)/.exec(message);
    return named !== null && Number(named[1]) >= prefix.length;
  }
}

/** 1-based line and column of an offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
