// Loading a function file's `main` (SPEC R40, R42, R9). Each load is its own module instance,
// even for the same file: two route entries naming one file keep separate module state, and a
// second prepare starts fresh, as a new Lambda would.
import Module from 'node:module';
import { parse } from 'acorn';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HubSpotFunctionsError } from '../errors';
import type { ServerlessFunction } from '../types';

/** Node's CommonJS internals used to compile a module outside the shared require cache. */
interface CompilableModule extends Module {
  _compile(content: string, filename: string): unknown;
}
interface ModuleStatics {
  _nodeModulePaths(from: string): string[];
}

// ESM caches a module (and a failed evaluation) per URL: every load gets a URL of its own.
let loads = 0;

/**
 * Loads `file` and returns its `main` export, as a fresh module instance for `instanceKey`
 * (SPEC R9): CommonJS, or an ES module for `.mjs` and `.js` under `"type": "module"` (SPEC R40);
 * its `require()` resolves from its own folder (SPEC R42). Every failure is
 * HSF_FUNCTION_LOAD_FAILED naming the file, with the original error as `cause`.
 * @example
 * const main = await loadFunctionModule('/app/hello.functions/hello.js', 'hello.functions#hello');
 */
export async function loadFunctionModule(file: string, instanceKey: string): Promise<ServerlessFunction> {
  const source = await readSource(file);
  const esm = (await isEsModule(file)) || hasModuleSyntax(file, source);
  let exported: unknown;
  try {
    exported = esm ? await importEsm(file, instanceKey) : compileCommonJs(file, source);
  } catch (cause) {
    throw new HubSpotFunctionsError('HSF_FUNCTION_LOAD_FAILED', loadErrorMessage(file, cause), { cause });
  }
  const main = (exported as { main?: unknown } | null | undefined)?.main;
  if (typeof main !== 'function') {
    const found = typeof exported === 'object' && exported !== null ? Object.keys(exported) : [];
    throw new HubSpotFunctionsError(
      'HSF_FUNCTION_LOAD_FAILED',
      `The function file ${file} does not export a function named "main" (exports found: ${found.length > 0 ? found.join(', ') : 'none'}). ` +
        (esm ? 'Add `export const main = async (context) => { … }`.' : 'Add `exports.main = async (context) => { … }`.'),
    );
  }
  return main as ServerlessFunction;
}

/** The file's text; a missing, unreadable or empty file is a load failure. */
async function readSource(file: string): Promise<string> {
  let source: string;
  try {
    if (!(await stat(file)).isFile()) throw Object.assign(new Error(`${file} is not a file`), { code: 'EISDIR' });
    source = await readFile(file, 'utf8');
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === 'ENOENT';
    throw new HubSpotFunctionsError(
      'HSF_FUNCTION_LOAD_FAILED',
      missing
        ? `The function file ${file} does not exist. Create it, or fix the "file" (or "entrypoint") key that names it.`
        : `The function file ${file} cannot be read (${(cause as Error).message}). Check that it is a readable file.`,
      { cause },
    );
  }
  // A UTF-8 byte order mark is not JavaScript; Node's own loader strips it too.
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  if (source.trim() === '') {
    throw new HubSpotFunctionsError(
      'HSF_FUNCTION_LOAD_FAILED',
      `The function file ${file} is empty. Export a main function: \`exports.main = async (context) => ({ statusCode: 200, body: 'ok' })\`.`,
    );
  }
  return source;
}

/** SPEC R40: `.mjs`, or `.js` whose nearest package.json says `"type": "module"`. */
async function isEsModule(file: string): Promise<boolean> {
  const extension = extname(file);
  if (extension === '.mjs') return true;
  if (extension !== '.js') return false;
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    let text: string | null = null;
    try {
      text = await readFile(manifest, 'utf8');
    } catch {
      text = null;
    }
    if (text !== null) {
      try {
        return (JSON.parse(text) as { type?: unknown }).type === 'module';
      } catch (cause) {
        throw new HubSpotFunctionsError(
          'HSF_FUNCTION_LOAD_FAILED',
          `The function file ${file} cannot be loaded: its nearest package.json, ${manifest}, is not valid JSON. Fix that file.`,
          { cause },
        );
      }
    }
    if (dirname(folder) === folder) return false;
  }
}

/**
 * Whether a `.js` file Node would read as CommonJS is written with ES module syntax. Node 20.19+
 * then loads it as ESM through require() ("detect-module"), into the shared ESM cache, which
 * would give every instance the same module state (SPEC R9): such a file is imported as ESM
 * instead. The quick test keeps the parser away from files that cannot qualify.
 */
function hasModuleSyntax(file: string, source: string): boolean {
  if (extname(file) !== '.js' || !/\b(import|export|await)\b/.test(source)) return false;
  const parses = (sourceType: 'script' | 'module'): boolean => {
    try {
      parse(source, { ecmaVersion: 'latest', sourceType, allowHashBang: true });
      return true;
    } catch {
      return false;
    }
  };
  return !parses('script') && parses('module');
}

/**
 * Compiles a CommonJS file as a new Module outside the require cache (SPEC R9), with its
 * filename and lookup paths set so `require()` resolves from its folder (SPEC R42).
 */
function compileCommonJs(file: string, source: string): unknown {
  const instance = new Module(file) as CompilableModule;
  instance.filename = file;
  instance.paths = (Module as unknown as ModuleStatics)._nodeModulePaths(dirname(file));
  instance._compile(source, file);
  instance.loaded = true;
  return instance.exports;
}

/** Imports an ES module under a URL of its own, so each instance has its own module state (SPEC R9). */
async function importEsm(file: string, instanceKey: string): Promise<unknown> {
  const url = `${pathToFileURL(file).href}?instance=${encodeURIComponent(instanceKey)}&load=${++loads}`;
  return await import(url);
}

function loadErrorMessage(file: string, cause: unknown): string {
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  // ES module syntax in a `.js` file that Node reads as CommonJS (before Node 20.19).
  const esmSyntax = cause instanceof SyntaxError &&
    /Cannot use import statement|Unexpected token 'export'|import\.meta/.test(cause.message);
  const fix = esmSyntax
    ? 'It uses ES module syntax: rename it to .mjs or add "type": "module" to its package.json.'
    : 'Fix the error at the top level of the file (it runs once, when the function loads).';
  return `The function file ${file} failed to load: ${detail}. ${fix}`;
}
