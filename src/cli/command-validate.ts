// `hubspot-functions validate [paths...]` (issues #6, #11): every SPEC R7 check without serving,
// every problem in one run. Configuration is read with an error collector, so that a bad method
// in one endpoint does not hide an escaping file in the next one, nor one broken folder another;
// duplicate routes (SPEC R8) and account limits are checked across all of them. Function files
// are checked statically (exists, not empty, parses, exports `main`, and every package they
// require resolves, SPEC R42): validate never runs a function's top-level code.
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { groupByFolder, findMissingPackages } from '../analysis/report-missing-packages';
import { discoverSources } from '../config/discover-sources';
import { loadDefinitions } from '../config/load-definitions';
import type { FunctionDefinition } from '../definitions';
import { isFunctionsError, type HubSpotFunctionsError } from '../errors';
import { normalizeOptions, type AllOptions } from '../options';
import type { FunctionsWarning } from '../types';
import { writeLine, type CliIo } from './cli-io';
import { packageAdvice } from './package-advice';
import { paint } from './paint';
import { scanFunctionSource } from '../analysis/scan-function-source';
import { parsePreloadedFlags, PRELOADED_FLAGS } from './host-flags';
import { CliUsageError } from './usage-error';

/** One problem validate found. */
export interface ValidateProblem {
  code: string;
  message: string;
  file?: string;
  line?: number;
  jsonPath?: string;
}

/** Everything validate found. */
export interface ValidateReport {
  ok: boolean;
  /** Every function found; `ok` is false when its file has an error. */
  functions: Array<{ id: string; name: string; path: string | null; methods: string[]; file: string; ok: boolean }>;
  errors: ValidateProblem[];
  warnings: ValidateProblem[];
}

function problemOf(error: unknown): ValidateProblem {
  if (isFunctionsError(error)) return { code: error.code, message: error.message };
  return { code: 'HSF_CONFIG_INVALID', message: error instanceof Error ? error.message : String(error) };
}

/** Static checks of one function file (SPEC R7 load failures, found without loading). */
function checkFunctionFile(definition: FunctionDefinition): { errors: ValidateProblem[]; warnings: ValidateProblem[] } {
  const file = definition.file;
  const where = `${file} (function "${definition.name}" in ${definition.configFile})`;
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats === undefined) return { errors: [{ code: 'HSF_FUNCTION_LOAD_FAILED', file, message: `${where} does not exist. Create it, or fix the "file" key that names it.` }], warnings: [] };
  if (!stats.isFile()) return { errors: [{ code: 'HSF_FUNCTION_LOAD_FAILED', file, message: `${where} is not a file. Point "file" at a .js file.` }], warnings: [] };
  const source = readFileSync(file, 'utf8');
  if (source.trim() === '') return { errors: [{ code: 'HSF_FUNCTION_LOAD_FAILED', file, message: `${where} is empty. Export a main function: exports.main = async (context) => ({ statusCode: 200, body: 'ok' }).` }], warnings: [] };
  const scan = scanFunctionSource(source);
  if (scan.syntaxError) {
    return { errors: [{ code: 'HSF_FUNCTION_LOAD_FAILED', file, message: `${file}:${scan.syntaxError.line}: syntax error: ${scan.syntaxError.message}. Fix it; the function cannot load.` }], warnings: [] };
  }
  if (!scan.main.found) {
    // A warning, not an error: `main` can be exported in ways only running the file shows.
    return { errors: [], warnings: [{ code: 'HSF_WARN_NO_MAIN', file, message: `${where}: no \`main\` export found in its source. Add \`exports.main = async (context) => { … }\` (or \`export const main\` in an ES module).` }] };
  }
  return { errors: [], warnings: [] };
}

/**
 * Validates the folders behind `paths` without serving or running anything.
 * @param options `prefix` and `preloaded` as the host would get them
 */
export function validateSources(paths: readonly string[], cwd: string, options: Pick<AllOptions, 'prefix' | 'preloaded'> = {}): ValidateReport {
  const errors: ValidateProblem[] = [];
  const warnings: FunctionsWarning[] = [];
  const resolved = normalizeOptions({ ...options, onWarning: () => undefined });
  const good: string[] = [];
  for (const path of paths) {
    try {
      discoverSources([path], cwd, () => undefined);
      good.push(path);
    } catch (error) {
      errors.push(problemOf(error));
    }
  }
  let definitions: FunctionDefinition[] = [];
  if (good.length > 0) {
    // SPEC R7: every error of every file, with the texts mounting would throw.
    const configErrors: HubSpotFunctionsError[] = [];
    try {
      const all = loadDefinitions(good, { prefix: resolved.prefix, duplicateRoutes: 'error', cwd, errors: configErrors });
      definitions = all.definitions;
      warnings.push(...all.warnings);
    } catch (error) {
      configErrors.push(error as HubSpotFunctionsError);
    }
    errors.push(...configErrors.map(problemOf));
  }
  const fileWarnings: ValidateProblem[] = [];
  const failing = new Set<string>();
  for (const definition of definitions) {
    const checked = checkFunctionFile(definition);
    if (checked.errors.length > 0) failing.add(definition.id);
    errors.push(...checked.errors);
    fileWarnings.push(...checked.warnings);
  }
  // SPEC R42: every package that resolves neither from the folder, its parents nor the preloaded set.
  for (const [, defs] of groupByFolder(definitions)) {
    for (const use of findMissingPackages(defs, resolved.preloaded)) {
      errors.push({ code: 'HSF_PACKAGE_MISSING', file: use.file, line: use.line, message: `${use.file}:${use.line}: ${packageAdvice(use, defs[0].folder, cwd)}` });
      for (const d of defs) if (d.file === use.file) failing.add(d.id);
    }
  }
  if (paths.length > 0 && good.length === paths.length && definitions.length === 0 && errors.length === 0) {
    errors.push({ code: 'HSF_SOURCE_NOT_FOUND', message: `No functions folder found under ${paths.map((p) => resolve(cwd, p)).join(', ')}. Pass a \`.functions\` folder or a project folder.` });
  }
  return {
    ok: errors.length === 0,
    functions: definitions.map((d) => ({ id: d.id, name: d.name, path: d.path, methods: d.methods, file: d.file, ok: !failing.has(d.id) })),
    errors,
    warnings: [...warnings.map((w) => ({ code: w.code, message: w.message, ...(w.file ? { file: w.file } : {}), ...(w.jsonPath ? { jsonPath: w.jsonPath } : {}) })), ...fileWarnings],
  };
}

/** Runs `validate`; exit 0 when valid (warnings allowed), 1 on errors, 2 on usage errors. */
export function runValidate(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, prefix: { type: 'string' }, ...PRELOADED_FLAGS } });
  let report: ValidateReport;
  try {
    const preloaded = parsePreloadedFlags(values, io);
    report = validateSources(positionals.length > 0 ? positionals : ['.'], io.cwd, {
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
      ...(preloaded === undefined ? {} : { preloaded }),
    });
  } catch (error) {
    if (error instanceof TypeError) throw new CliUsageError(error.message);
    throw error;
  }
  if (values.json) {
    writeLine(io.stdout, JSON.stringify(report));
    return report.ok ? 0 : 1;
  }
  const c = io.color;
  for (const fn of report.functions) {
    const mark = fn.ok ? paint(c, 'green', 'ok   ') : paint(c, 'red', 'fail ');
    writeLine(io.stdout, `${mark}  ${fn.path ?? `(private) ${fn.name}`}  ${fn.methods.join(',') || 'invoke'}  ${relative(io.cwd, fn.file) || fn.file}`);
  }
  for (const w of report.warnings) writeLine(io.stdout, `${paint(c, 'yellow', 'warn')}   ${w.message} [${w.code}]`);
  for (const e of report.errors) writeLine(io.stdout, `${paint(c, 'red', 'error')}  ${e.message} [${e.code}]`);
  const summary = `${report.functions.length} function(s), ${report.errors.length} error(s), ${report.warnings.length} warning(s)`;
  writeLine(io.stdout, report.ok ? paint(c, 'green', `valid: ${summary}`) : paint(c, 'red', `invalid: ${summary}`));
  return report.ok ? 0 : 1;
}
