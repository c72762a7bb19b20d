// Loading a function file's `main` (SPEC R40, R42, R9). Each load is its own module instance,
// even for the same file: two route entries naming one file keep separate module state, and a
// second prepare starts fresh, as a new Lambda would.
import Module from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageNameOf } from '../analysis/package-name';
import { parseJavaScript } from '../analysis/parse-javascript';
import { HubSpotFunctionsError } from '../errors';
import { isPreloadedName, type PreloadedPaths } from '../preloaded/preloaded-packages';
import { syncEsmPreloadedResolution } from '../preloaded/resolve-preloaded';
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
 * its `require()` resolves from its own folder (SPEC R42), then from the installed preloaded
 * packages registered with retainPreloadedResolution. Every failure is HSF_FUNCTION_LOAD_FAILED
 * naming the file, with the original error as `cause`.
 * @param preloaded the installed preloaded packages; an ES module that may import one gets the loader hook
 * @example
 * const main = await loadFunctionModule('/app/hello.functions/hello.js', 'hello.functions#hello');
 */
export async function loadFunctionModule(file: string, instanceKey: string, preloaded: PreloadedPaths = {}): Promise<ServerlessFunction> {
  const source = await readSource(file);
  const esm = (await isEsModule(file)) || hasModuleSyntax(file, source);
  let exported: unknown;
  try {
    if (esm && mayImportPreloaded(source, preloaded)) await syncEsmPreloadedResolution();
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
      parseJavaScript(source, { ecmaVersion: 'latest', sourceType, allowHashBang: true });
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

/**
 * Whether an ES module may import an installed preloaded package: it names one, or it imports
 * relative files (which may). The loader hook costs a thread; a module that cannot need it skips it.
 */
function mayImportPreloaded(source: string, preloaded: PreloadedPaths): boolean {
  const names = Object.keys(preloaded);
  if (names.length === 0) return false;
  const quoted = names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  return new RegExp(`['"\`](?:(?:${quoted})(?:/[^'"\`]*)?|\\.\\.?/[^'"\`]*)['"\`]`).test(source);
}

/** Imports an ES module under a URL of its own, so each instance has its own module state (SPEC R9). */
async function importEsm(file: string, instanceKey: string): Promise<unknown> {
  const url = `${pathToFileURL(file).href}?instance=${encodeURIComponent(instanceKey)}&load=${++loads}`;
  return await import(url);
}

/** The specifier a "Cannot find module/package" error names, or null for any other error. */
function missingSpecifierOf(cause: unknown): string | null {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return null;
  return /Cannot find (?:module|package) '([^']+)'/.exec((cause as Error).message)?.[1] ?? null;
}

function loadErrorMessage(file: string, cause: unknown): string {
  const specifier = missingSpecifierOf(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  // A missing module's "Require stack" only repeats the file this message names.
  const detail = cause instanceof Error ? `${cause.name}: ${specifier === null ? message : message.split('\n')[0]}` : message;
  // ES module syntax in a `.js` file that Node reads as CommonJS (before Node 20.19).
  const esmSyntax = cause instanceof SyntaxError &&
    /Cannot use import statement|Unexpected token 'export'|import\.meta/.test(cause.message);
  const missing = specifier === null ? null : packageNameOf(specifier);
  let fix: string;
  if (esmSyntax) fix = 'It uses ES module syntax: rename it to .mjs or add "type": "module" to its package.json.';
  else if (missing !== null && isPreloadedName(missing)) {
    fix = `"${missing}" is one of HubSpot's preloaded packages: run \`hubspot-functions install\` to provide it (or declare your own version in the folder's package.json).`;
  } else if (missing !== null) {
    fix = `The package "${missing}" is not installed: declare it in the folder's package.json ("dependencies") and run \`hubspot-functions install\`.`;
  } else if (specifier !== null) fix = `The file it requires, "${specifier}", does not exist: fix the path.`;
  else fix = 'Fix the error at the top level of the file (it runs once, when the function loads).';
  return `The function file ${file} failed to load: ${detail}. ${fix}`;
}
