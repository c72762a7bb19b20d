// `hubspot-functions install [paths...]` (issues #6, #11): the one set-up command for a migrated
// tree. For every functions folder under the paths: `npm install` where the folder (or a function
// file's folder) has a package.json, as HubSpot bundled each folder's dependencies (SPEC R42);
// then every HubSpot preloaded package its files require that neither the folder nor a parent
// provides goes into the preloaded cache. Folders run a few at a time; a folder with nothing to
// do is not touched (a second run is fast and says so); a failure names the folder, the package
// and npm's own error, and the other folders go on. Only node_modules/ and package-lock.json
// (where a package.json is) ever change in a folder.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { displayPath, findPackageUses, type PackageUse } from '../analysis/check-packages';
import { groupByFolder } from '../analysis/report-missing-packages';
import type { FunctionDefinition } from '../definitions';
import type { HubSpotFunctionsError } from '../errors';
import { normalizePreloaded } from '../options';
import { findPreloadedPackage, type PreloadedPackage, type ResolvedPreloaded } from '../preloaded/preloaded-packages';
import { writeLine, type CliIo } from './cli-io';
import { parsePreloadedFlags, PRELOADED_FLAGS } from './host-flags';
import { ensurePreloaded, hasPreloaded, type PreloadedOutcome } from './install-preloaded';
import { loadFolderDefinitions } from './load-folders';
import { createInstallProgress, seconds, type InstallProgress } from './install-progress';
import { packageAdvice } from './package-advice';
import { paint } from './paint';
import { reportHostError } from './report-host-error';
import { npmErrorLines, runNpm } from './run-npm';
import { CliUsageError } from './usage-error';

/** Written into node_modules after a successful npm install: which package.json it installed. */
const STAMP = '.hubspot-functions-install.json';
const DEFAULT_CONCURRENCY = 4;

/** How one folder ended. */
interface FolderResult {
  ok: boolean;
  /** Nothing had to be installed. */
  upToDate: boolean;
}

interface InstallContext {
  io: CliIo;
  preloaded: ResolvedPreloaded | null;
  force: boolean;
  progress: InstallProgress;
  /** One install per preloaded package and range, shared by every folder that needs it. */
  preloadedInstalls: Map<string, Promise<PreloadedOutcome>>;
}

const hash = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function readManifest(dir: string): Record<string, Record<string, string> | undefined> | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  } catch {
    return null; // npm reports an invalid package.json better than we could.
  }
}

function declaredNames(dir: string): string[] {
  const pkg = readManifest(dir);
  return pkg === null ? [] : [...new Set(['dependencies', 'devDependencies'].flatMap((f) => Object.keys(pkg[f] ?? {})))];
}

/**
 * Whether npm has nothing to do in `dir`: every declared dependency is in its node_modules, and
 * the package.json did not change since our last install there.
 */
export function isNpmUpToDate(dir: string): boolean {
  if (readManifest(dir) === null) return false;
  if (!declaredNames(dir).every((name) => existsSync(join(dir, 'node_modules', name, 'package.json')))) return false;
  const stamp = join(dir, 'node_modules', STAMP);
  if (!existsSync(stamp)) return true;
  try {
    return (JSON.parse(readFileSync(stamp, 'utf8')) as { packageJson?: string }).packageJson === hash(join(dir, 'package.json'));
  } catch {
    return false;
  }
}

/** The folders where npm runs for these functions: the functions folder and each file's folder, with a package.json. */
function npmFolders(definitions: readonly FunctionDefinition[]): string[] {
  const dirs = new Set(definitions.flatMap((d) => [d.folder, dirname(d.file)]));
  return [...dirs].filter((dir) => existsSync(join(dir, 'package.json'))).sort();
}

function usesOf(definitions: readonly FunctionDefinition[], preloaded: ResolvedPreloaded | null): PackageUse[] {
  const roots = [...new Set(definitions.flatMap((d) => [d.folder, dirname(d.file)]))];
  return findPackageUses(definitions.map((d) => d.file), roots, preloaded);
}

/** The preloaded packages these uses need from the set: required, and not provided by the folder or a parent. */
function preloadedNeeded(uses: readonly PackageUse[], preloaded: ResolvedPreloaded | null, installing: readonly string[]): PreloadedPackage[] {
  const names = new Set(uses
    .filter((u) => u.preloaded && u.resolvedFrom !== 'folder')
    // A package the folder's own package.json declares comes from the npm install about to run.
    .filter((u) => u.declaredIn === null || !installing.includes(dirname(u.declaredIn)))
    .map((u) => u.name));
  return [...names].map((name) => findPreloadedPackage(preloaded, name)!).filter(Boolean);
}

/** The first package npm's error names among those the folder declares. */
function culprit(dir: string, errorLines: readonly string[]): string | null {
  return declaredNames(dir).find((name) => errorLines.some((line) => line.includes(name))) ?? null;
}

async function installFolder(folder: string, definitions: readonly FunctionDefinition[], ctx: InstallContext): Promise<FolderResult> {
  const { io, preloaded, progress } = ctx;
  const c = io.color;
  const label = displayPath(folder, io.cwd);
  const started = Date.now();
  const npmDirs = npmFolders(definitions).filter((dir) => ctx.force || !isNpmUpToDate(dir));
  const planned = preloadedNeeded(usesOf(definitions, preloaded), preloaded, npmDirs).filter((p) => !hasPreloaded(preloaded!, p));
  const what = [
    ...npmDirs.map((dir) => (dir === folder ? 'npm install' : `npm install in ${relative(folder, dir)}`)),
    ...planned.map((p) => `preloaded ${p.name}@${p.spec}`),
  ];
  const lines: string[] = [];
  const done: string[] = [];
  const failedDirs = new Set<string>();
  let ok = true;
  if (what.length > 0) progress.start(label, what.join(', '));

  for (const dir of npmDirs) {
    const where = dir === folder ? 'npm install' : `npm install in ${relative(folder, dir)}`;
    const result = await runNpm(['install'], dir, io.env, (line) => progress.update(label, `${where}: ${line.slice(0, 60)}`));
    if (result.code === 0) {
      writeFileSync(join(dir, 'node_modules', STAMP), `${JSON.stringify({ packageJson: hash(join(dir, 'package.json')) })}\n`);
      const summary = result.output.filter((l) => /^(added|removed|changed|up to date)/.test(l)).pop()?.replace(/ in [\d.]+m?s$/, '');
      done.push(`${where} (${summary ?? 'done'})`);
    } else {
      ok = false;
      failedDirs.add(dir);
      const errors = npmErrorLines(result.output);
      const pkg = culprit(dir, errors);
      lines.push(`${paint(c, 'red', 'fail')}  ${label}: ${where} failed (npm exited with ${result.code}${pkg === null ? '' : `, package "${pkg}"`})`);
      lines.push(...errors.map((l) => `      ${l}`));
    }
  }

  // After npm: what the folder still lacks that the preloaded set holds (SPEC R42: the folder first).
  for (const pkg of preloadedNeeded(usesOf(definitions, preloaded), preloaded, [])) {
    const key = `${pkg.name}@${pkg.spec}`;
    let install = ctx.preloadedInstalls.get(key);
    if (install === undefined) {
      install = ensurePreloaded(preloaded!, pkg, io.env, (line) => progress.update(label, `preloaded ${key}: ${line.slice(0, 60)}`));
      ctx.preloadedInstalls.set(key, install);
    }
    const outcome = await install;
    if (outcome.status === 'failed') {
      ok = false;
      lines.push(`${paint(c, 'red', 'fail')}  ${label}: preloaded ${key} failed (npm exited with ${outcome.result.code}, package "${pkg.name}")`);
      lines.push(...npmErrorLines(outcome.result.output).map((l) => `      ${l}`));
    } else if (planned.some((p) => p.name === pkg.name)) {
      done.push(`preloaded ${key}${outcome.status === 'installed' ? '' : ' (already there)'}`);
    }
  }

  // What still resolves nowhere; a package whose npm install just failed is already reported.
  const missing = usesOf(definitions, preloaded).filter((u) => u.resolvedFrom === null && (u.declaredIn === null || !failedDirs.has(dirname(u.declaredIn))));
  for (const use of missing) {
    ok = false;
    lines.push(`${paint(c, 'yellow', 'warn')}  ${label}: ${relative(folder, use.file)}:${use.line} ${packageAdvice(use, folder, io.cwd)}`);
  }
  const elapsed = seconds(Date.now() - started);
  if (what.length === 0 && missing.length === 0) {
    progress.done(label, [`${paint(c, 'green', 'ok')}    ${label}: up to date`]);
    return { ok: true, upToDate: true };
  }
  const head = ok
    ? `${paint(c, 'green', 'ok')}    ${label}: ${done.join(', ') || 'nothing to install'} - ${elapsed}`
    : done.length > 0 ? `${paint(c, 'dim', 'part')}  ${label}: ${done.join(', ')} - ${elapsed}` : null;
  progress.done(label, head === null ? lines : [head, ...lines]);
  return { ok, upToDate: false };
}

/** Runs `install`; exit 0 when every folder is installed, 1 when one failed or still lacks a package, 2 for usage or configuration errors. */
export async function runInstall(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...PRELOADED_FLAGS, prefix: { type: 'string' }, concurrency: { type: 'string' }, force: { type: 'boolean' } },
  });
  const concurrency = values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CliUsageError(`--concurrency takes an integer >= 1; got "${values.concurrency}".`);
  let preloaded: ResolvedPreloaded | null;
  let definitions: FunctionDefinition[];
  let configErrors: HubSpotFunctionsError[];
  try {
    preloaded = normalizePreloaded(parsePreloadedFlags(values, io));
    ({ definitions, errors: configErrors } = loadFolderDefinitions(positionals, io.cwd, values.prefix, true));
  } catch (error) {
    return reportHostError(error, io);
  }
  const started = Date.now();
  const folders = [...groupByFolder(definitions)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const progress = createInstallProgress(io, folders.length);
  const ctx: InstallContext = { io, preloaded, force: values.force === true, progress, preloadedInstalls: new Map() };
  const results: Array<{ folder: string; result: FolderResult }> = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < folders.length; i = next++) {
      const [folder, defs] = folders[i];
      results.push({ folder, result: await installFolder(folder, defs, ctx) });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, folders.length) }, worker));
  } finally {
    progress.finish();
  }
  const c = io.color;
  for (const error of configErrors) writeLine(io.stdout, `${paint(c, 'yellow', 'note')}  ${error.message} [${error.code}] (those entries were skipped; see \`hubspot-functions validate\`)`);
  const failed = results.filter((r) => !r.result.ok).map((r) => displayPath(r.folder, io.cwd));
  const elapsed = seconds(Date.now() - started);
  if (failed.length > 0) {
    writeLine(io.stdout, paint(c, 'red', `${failed.length} of ${folders.length} folder(s) failed: ${failed.join(', ')} (${elapsed})`));
    return 1;
  }
  const upToDate = results.filter((r) => r.result.upToDate).length;
  writeLine(io.stdout, upToDate === folders.length
    ? paint(c, 'green', `nothing to do: ${folders.length} folder(s) already installed (${elapsed})`)
    : paint(c, 'green', `installed ${folders.length - upToDate} folder(s), ${upToDate} already up to date (${elapsed})`));
  return 0;
}
