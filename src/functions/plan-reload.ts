// What a reload must redo (issue #6): compare the definitions before and after re-reading the
// configuration, and map changed files to the functions they affect, so that only those get a
// fresh instance. Pure: no file system, no runner.
import { basename, dirname, sep } from 'node:path';
import type { FunctionDefinition } from '../definitions';

/** The outcome of comparing two configurations and a set of changed files. */
export interface ReloadPlan {
  /** New route entries (SPEC R9). */
  added: FunctionDefinition[];
  /** Entries whose configuration or code changed: they get a fresh instance. */
  changed: FunctionDefinition[];
  /** Entries that are gone. */
  removed: FunctionDefinition[];
  /** Entries that keep their instance. */
  unchanged: FunctionDefinition[];
}

/** Whether a file is configuration rather than code: re-reading the config covers it. */
export function isConfigFile(file: string): boolean {
  const name = basename(file);
  return name === 'serverless.json' || name === 'hsproject.json' || name.endsWith('-hsmeta.json');
}

const inside = (file: string, folder: string): boolean => file === folder || file.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/** A definition's configuration, without its position in mount order. */
function fingerprint(definition: FunctionDefinition): string {
  const { order: _order, ...rest } = definition;
  return JSON.stringify(rest);
}

/**
 * Whether a changed (absolute) file can change what `definition` runs.
 * @param functionFiles every function's file: a change to one of them concerns only its own functions
 */
export function affects(file: string, definition: FunctionDefinition, functionFiles: ReadonlySet<string>): boolean {
  if (isConfigFile(file)) return false;
  // SPEC R32: a folder's .env holds its secrets.
  if (basename(file) === '.env') return dirname(file) === definition.folder;
  if (functionFiles.has(file)) return file === definition.file;
  // Only code and JSON can change what a function runs; a README or a backup file cannot.
  if (!/\.(?:c|m)?js$|\.json$/.test(file)) return false;
  // A helper module or package.json next to the function or in its folder (SPEC R42).
  return inside(file, definition.folder) || inside(file, dirname(definition.file));
}

/**
 * Plans a reload.
 * @param changedFiles absolute paths reported by the watcher
 */
export function planReload(
  previous: readonly FunctionDefinition[],
  next: readonly FunctionDefinition[],
  changedFiles: readonly string[],
): ReloadPlan {
  const before = new Map(previous.map((d) => [d.id, d]));
  const plan: ReloadPlan = { added: [], changed: [], removed: [], unchanged: [] };
  const functionFiles = new Set([...previous, ...next].map((d) => d.file));
  for (const definition of next) {
    const old = before.get(definition.id);
    if (old === undefined) plan.added.push(definition);
    else if (fingerprint(old) !== fingerprint(definition) || changedFiles.some((f) => affects(f, definition, functionFiles))) plan.changed.push(definition);
    else plan.unchanged.push(definition);
  }
  const ids = new Set(next.map((d) => d.id));
  for (const definition of previous) if (!ids.has(definition.id)) plan.removed.push(definition);
  return plan;
}
