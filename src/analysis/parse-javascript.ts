// acorn, loaded on first use: every worker thread and child process imports the loader and the
// callback-style check, and acorn costs about 1 MiB of each instance's memory (issue #12's
// idle-worker budget), yet most functions never need a parse (a plain parameter list, a file
// without module syntax).
import type { Options, Program } from 'acorn';

let acorn: typeof import('acorn') | null = null;

/**
 * Parses `code` with acorn (loaded the first time).
 * @throws SyntaxError when the code does not parse
 * @example parseJavaScript('export const main = () => 1', { ecmaVersion: 'latest', sourceType: 'module' })
 */
export function parseJavaScript(code: string, options: Options): Program {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  acorn ??= require('acorn') as typeof import('acorn');
  return acorn.parse(code, options);
}
