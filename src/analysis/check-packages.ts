// Which packages a folder's function files require, and where each one resolves (SPEC R42): the
// requiring file's folder and its parents (as Node's lookup walks them), then HubSpot's preloaded
// set, else nowhere. One answer for the mount-time warning, `validate`, `doctor` and `install`,
// so that they agree with each other and with the runtime. Static: files are read, never run.
// Relative requires are followed into the folder's helper files, never into node_modules.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { findInstalledPreloaded, findPreloadedPackage, type ResolvedPreloaded } from '../preloaded/preloaded-packages';
import { packageNameOf } from './package-name';
import { scanFunctionSource } from './scan-function-source';

/** One package a function file (or a helper it requires) requires. */
export interface PackageUse {
  /** The package name (`lodash` for `lodash/get`). */
  name: string;
  /** The file whose require() or import names it, and the line. */
  file: string;
  line: number;
  /** Where it resolves: the file's folder or a parent, the installed preloaded set, or nowhere. */
  resolvedFrom: 'folder' | 'preloaded' | null;
  /** Whether the preloaded set holds this package (installed or not). */
  preloaded: boolean;
  /** The nearest package.json above the file that declares it, if any. */
  declaredIn: string | null;
  /**
   * When it resolves nowhere: the installed preloaded package that has it among its own
   * dependencies (HubSpot's flat layer let functions require those by accident; here only the
   * preloaded packages themselves resolve).
   */
  bundledWith: string | null;
}

// Bare and relative specifiers of require(), import, import() and export ... from, for the quick
// pass; a file whose candidates all resolve is never parsed. A candidate that does not resolve is
// confirmed by acorn (a require in a comment is no require), which also gives exact lines.
const SPECIFIER = /(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)(['"])([^'"\r\n]+)\1/g;
const MAX_FILES = 500;

interface Lookup {
  (name: string, fromDir: string): PackageUse['resolvedFrom'];
  /** The installed preloaded package whose own dependencies include `name`. */
  bundledWith(name: string): string | null;
}

/** Where package names resolve from a directory, cached per directory and name. */
function createLookup(preloaded: ResolvedPreloaded | null): Lookup {
  const cache = new Map<string, boolean>();
  const installed = findInstalledPreloaded(preloaded);
  const inFolder = (name: string, dir: string): boolean => {
    const key = `${dir}\0${name}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = existsSync(join(dir, 'node_modules', name)) || (dirname(dir) !== dir && inFolder(name, dirname(dir)));
      cache.set(key, hit);
    }
    return hit;
  };
  const lookup = ((name: string, fromDir: string) => (inFolder(name, fromDir) ? 'folder' : Object.hasOwn(installed, name) ? 'preloaded' : null)) as Lookup;
  lookup.bundledWith = (name) => Object.entries(installed).find(([, dir]) => existsSync(join(dir, name)))?.[0] ?? null;
  return lookup;
}

/** The nearest package.json from `fromDir` up that declares `name`, in any dependency field. */
function findDeclaration(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
        for (const field of ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies']) {
          const deps = pkg[field];
          if (typeof deps === 'object' && deps !== null && Object.hasOwn(deps, name)) return manifest;
        }
      } catch {
        // An invalid package.json is npm's to report (install shows its error).
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The file a relative specifier names, as Node's CommonJS lookup would find it, or null. */
function resolveRelative(specifier: string, fromFile: string): string | null {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, join(base, 'index.js')]) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile() === true) return candidate;
  }
  return null;
}

function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Every package the given function files (and the helper files they require inside `roots`)
 * require, with where it resolves. Built-ins and relative files are not packages.
 * @param roots folders whose helper files are followed (the functions folder, the files' folders)
 * @example
 * findPackageUses(['/app/x.functions/a.js'], ['/app/x.functions'], options.preloaded).filter((u) => u.resolvedFrom === null);
 */
export function findPackageUses(files: readonly string[], roots: readonly string[], preloaded: ResolvedPreloaded | null): PackageUse[] {
  const lookup = createLookup(preloaded);
  const inRoots = (file: string): boolean =>
    !file.split(sep).includes('node_modules') && roots.some((root) => file === root || file.startsWith(root.endsWith(sep) ? root : root + sep));
  const uses: PackageUse[] = [];
  const seen = new Set<string>();
  const pending = [...new Set(files)];
  while (pending.length > 0 && seen.size < MAX_FILES) {
    const file = pending.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      continue; // A missing function file is reported as such, not as a package problem.
    }
    const candidates: Array<{ specifier: string; line: number }> = [];
    let unresolved = false;
    for (const match of source.matchAll(SPECIFIER)) {
      const specifier = match[2];
      const name = packageNameOf(specifier);
      if (name === null || lookup(name, dirname(file)) === null) unresolved ||= name !== null;
      candidates.push({ specifier, line: lineAt(source, match.index) });
    }
    // Confirm with the parser only when something does not resolve (a syntax error keeps the quick pass).
    const found = unresolved ? confirmed(source, candidates) : candidates;
    const reported = new Set<string>();
    for (const { specifier, line } of found) {
      const name = packageNameOf(specifier);
      if (name === null) {
        if (!/^\.\.?(\/|$)/.test(specifier)) continue;
        const helper = resolveRelative(specifier, file);
        if (helper !== null && inRoots(helper) && /\.(c|m)?js$/.test(helper)) pending.push(helper);
        continue;
      }
      if (reported.has(name)) continue;
      reported.add(name);
      const resolvedFrom = lookup(name, dirname(file));
      uses.push({
        name, file, line, resolvedFrom,
        preloaded: findPreloadedPackage(preloaded, name) !== undefined,
        declaredIn: resolvedFrom === 'folder' ? null : findDeclaration(name, dirname(file)),
        bundledWith: resolvedFrom === null ? lookup.bundledWith(name) : null,
      });
    }
  }
  return uses;
}

function confirmed(source: string, candidates: Array<{ specifier: string; line: number }>): Array<{ specifier: string; line: number }> {
  const scan = scanFunctionSource(source);
  return scan.syntaxError === undefined ? scan.imports : candidates;
}

/**
 * The one warning (or validate error) text for a folder's packages that will not resolve:
 * every package with its files and lines, and the command that fixes it.
 * @param cwd what the command's folder path is relative to
 */
export function describeMissingPackages(folder: string, missing: readonly PackageUse[], cwd: string): string {
  const byName = new Map<string, PackageUse[]>();
  for (const use of missing) byName.set(use.name, [...(byName.get(use.name) ?? []), use]);
  const where = (u: PackageUse): string => `${relative(folder, u.file) || u.file}:${u.line}`;
  const list = [...byName].map(([name, uses]) => `"${name}" (${uses.map(where).join(', ')})`).join(', ');
  const preloaded = [...byName].filter(([, uses]) => uses[0].preloaded).map(([name]) => name);
  const undeclared = [...byName].filter(([, uses]) => !uses[0].preloaded && uses[0].declaredIn === null).map(([name]) => name);
  const command = `hubspot-functions install ${shellPath(folder, cwd)}`;
  let fix = `Run \`${command}\``;
  if (preloaded.length > 0) fix += ` (it provides HubSpot's preloaded ${preloaded.join(', ')})`;
  if (undeclared.length > 0) fix += `${preloaded.length > 0 ? ';' : ''} first declare ${undeclared.join(', ')} in ${join(folder, 'package.json')} ("dependencies")`;
  return `${folder}: function files require packages that will not resolve: ${list}. ${fix}.`;
}

/** A path as messages show it: relative to `cwd` when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** A folder as a command argument: displayPath, quoted when it has spaces. */
export function shellPath(folder: string, cwd: string): string {
  const shown = displayPath(folder, cwd);
  return /^[\w./@+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`;
}
