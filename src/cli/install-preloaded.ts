// Fills the preloaded cache (SPEC R42, issue #11): each package at each range is an npm project
// of its own, `<dir>/<name>@<range>/`, installed in a temporary folder and renamed into place, so
// that a failed or interrupted install never leaves a half-filled entry the runtime would use,
// and two installs at once (two terminals, a CI matrix) cannot corrupt one another.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preloadedEntryName, type PreloadedPackage, type ResolvedPreloaded } from '../preloaded/preloaded-packages';
import { runNpm, type NpmResult } from './run-npm';

/** What ensuring one preloaded package did. */
export type PreloadedOutcome =
  | { status: 'present' }
  | { status: 'installed' }
  | { status: 'failed'; result: NpmResult };

/** Whether the cache holds `pkg` at its spec. */
export function hasPreloaded(preloaded: ResolvedPreloaded, pkg: PreloadedPackage): boolean {
  return existsSync(join(preloaded.dir, preloadedEntryName(pkg.name, pkg.spec), 'node_modules', pkg.name, 'package.json'));
}

/**
 * Installs `pkg` into the cache unless it is there already.
 * @param onLine npm's output, line by line (for a progress line)
 */
export async function ensurePreloaded(preloaded: ResolvedPreloaded, pkg: PreloadedPackage, env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<PreloadedOutcome> {
  if (hasPreloaded(preloaded, pkg)) return { status: 'present' };
  const target = join(preloaded.dir, preloadedEntryName(pkg.name, pkg.spec));
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(temporary, { recursive: true });
  try {
    writeFileSync(join(temporary, 'package.json'), `${JSON.stringify({
      name: 'hubspot-functions-preloaded',
      private: true,
      description: `HubSpot's preloaded ${pkg.name} at ${pkg.spec}, for functions that require it without declaring it (installed by hubspot-functions install).`,
      dependencies: { [pkg.name]: pkg.spec },
    }, null, 2)}\n`);
    const result = await runNpm(['install', '--no-package-lock', '--omit=dev'], temporary, env, onLine);
    if (result.code !== 0 || !existsSync(join(temporary, 'node_modules', pkg.name, 'package.json'))) return { status: 'failed', result };
    try {
      renameSync(temporary, target);
    } catch (error) {
      // Another install put it there first: theirs is as good as ours.
      if (!hasPreloaded(preloaded, pkg)) throw error;
    }
    return { status: 'installed' };
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}
