// `hubspot-functions doctor [paths...]` (issues #6, #11): migration advice per folder, for
// functions that ran on HubSpot and now run here. Exit 1 when something will fail here (an `error`
// finding), 0 when there is only advice, 2 for usage or configuration errors.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { groupByFolder } from '../analysis/report-missing-packages';
import type { FunctionDefinition } from '../definitions';
import { normalizeOptions, type ResolvedOptions } from '../options';
import { writeLine, type CliIo } from './cli-io';
import { diagnoseFolder, type Advice } from './diagnose-folder';
import { parsePreloadedFlags, PRELOADED_FLAGS } from './host-flags';
import { loadFolderDefinitions } from './load-folders';
import { paint, type Colour } from './paint';
import { reportHostError } from './report-host-error';

const LEVEL_COLOUR: Record<Advice['level'], Colour> = { error: 'red', warn: 'yellow', info: 'cyan' };

/** Runs `doctor`; resolves with the exit code. */
export async function runDoctor(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, prefix: { type: 'string' }, ...PRELOADED_FLAGS } });
  let definitions: FunctionDefinition[];
  let resolved: ResolvedOptions;
  try {
    const preloaded = parsePreloadedFlags(values, io);
    resolved = normalizeOptions({
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
      ...(preloaded === undefined ? {} : { preloaded }),
    });
    definitions = loadFolderDefinitions(positionals, io.cwd, values.prefix).definitions;
  } catch (error) {
    return reportHostError(error, io);
  }
  const folders = groupByFolder(definitions);
  const report: Array<{ folder: string; functions: number; advice: Advice[] }> = [];
  for (const [folder, defs] of folders) report.push({ folder, functions: defs.length, advice: await diagnoseFolder(folder, defs, io.env, resolved.preloaded, io.cwd) });
  const errors = report.reduce((n, f) => n + f.advice.filter((a) => a.level === 'error').length, 0);
  if (values.json) {
    writeLine(io.stdout, JSON.stringify({ ok: errors === 0, folders: report }));
    return errors === 0 ? 0 : 1;
  }
  const c = io.color;
  const rel = (file: string): string => relative(io.cwd, file) || file;
  for (const { folder, functions, advice } of report) {
    writeLine(io.stdout, paint(c, 'bold', `${rel(folder)} (${functions} function(s))`));
    if (advice.length === 0) writeLine(io.stdout, `  ${paint(c, 'green', 'ok')}     nothing to change`);
    for (const a of advice) {
      writeLine(io.stdout, `  ${paint(c, LEVEL_COLOUR[a.level], a.level.padEnd(5))}  ${rel(a.file)}${a.line ? `:${a.line}` : ''}: ${a.message} [${a.code}]`);
    }
  }
  const total = report.reduce((n, f) => n + f.advice.length, 0);
  writeLine(io.stdout, errors === 0 ? paint(c, 'green', `${report.length} folder(s), ${total} note(s), nothing that fails here`) : paint(c, 'red', `${report.length} folder(s), ${errors} problem(s) that fail here, ${total - errors} other note(s)`));
  return errors === 0 ? 0 : 1;
}
