// The mount-time package check (SPEC R7, R42): behind `ready`, one warning per functions folder
// names every package its function files require that will not resolve (the package, the file
// and line, the command that fixes it), instead of each request discovering it. The load
// failures those packages explain are then not repeated one warning per function.
import { dirname } from 'node:path';
import type { FunctionDefinition } from '../definitions';
import type { ResolvedPreloaded } from '../preloaded/preloaded-packages';
import type { FunctionsWarning } from '../types';
import { describeMissingPackages, findPackageUses, type PackageUse } from './check-packages';

/** Groups definitions by functions folder, in mount order. */
export function groupByFolder(definitions: readonly FunctionDefinition[]): Map<string, FunctionDefinition[]> {
  const folders = new Map<string, FunctionDefinition[]>();
  for (const d of definitions) folders.set(d.folder, [...(folders.get(d.folder) ?? []), d]);
  return folders;
}

/** The packages of one folder's function files that will not resolve. */
export function findMissingPackages(definitions: readonly FunctionDefinition[], preloaded: ResolvedPreloaded | null): PackageUse[] {
  const files = definitions.map((d) => d.file);
  const roots = [...new Set(definitions.flatMap((d) => [d.folder, dirname(d.file)]))];
  return findPackageUses(files, roots, preloaded).filter((u) => u.resolvedFrom === null);
}

/**
 * Warns once per folder (`HSF_WARN_PACKAGE_MISSING`) and returns whether a function's load error
 * is one of the missing packages already named.
 */
export function reportMissingPackages(
  definitions: readonly FunctionDefinition[],
  preloaded: ResolvedPreloaded | null,
  warn: (warning: FunctionsWarning) => void,
): (definition: FunctionDefinition, error: string | undefined) => boolean {
  const named = new Map<string, Set<string>>();
  for (const [folder, defs] of groupByFolder(definitions)) {
    let missing: PackageUse[];
    try {
      missing = findMissingPackages(defs, preloaded);
    } catch {
      continue; // A check that cannot read a folder must not fail `ready`: the loads report it.
    }
    if (missing.length === 0) continue;
    named.set(folder, new Set(missing.map((u) => u.name)));
    warn({ code: 'HSF_WARN_PACKAGE_MISSING', message: describeMissingPackages(folder, missing, process.cwd()), file: folder });
  }
  return (definition, error) => {
    const names = named.get(definition.folder);
    if (names === undefined || error === undefined) return false;
    const missing = /Cannot find (?:module|package) '([^']+)'/.exec(error)?.[1];
    return missing !== undefined && [...names].some((n) => missing === n || missing.startsWith(`${n}/`));
  };
}
