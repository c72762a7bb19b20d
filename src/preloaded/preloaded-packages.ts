// HubSpot's preloaded packages (SPEC R42, seed 004 "Preloaded packages"): every HubSpot function
// can require them without declaring them. Here they live in a cache directory that
// `hubspot-functions install` fills, one npm project per package and version range, so that a
// folder which never requires `request` never gets it, and a changed range never reuses an old
// install. The runtime only looks the packages up there (a few stats); it never downloads.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The packages HubSpot preloads, with the ranges its documentation names (seed 004). */
export const PRELOADED_PACKAGES = {
  '@hubspot/api-client': '^1.0.0-beta',
  axios: '^0.19.2',
  request: '^2.88.0',
  requests: '^0.2.2',
} as const;

/** The name of one preloaded package. */
export type PreloadedName = keyof typeof PRELOADED_PACKAGES;

/** The `preloaded` option. */
export interface PreloadedOptions {
  /**
   * Where the installed packages live.
   * @default $HUBSPOT_FUNCTIONS_PRELOADED_DIR, else `node_modules/.cache/hubspot-functions/preloaded` in
   * the node_modules that holds hubspot-functions (found by `install` and the runtime alike)
   */
  dir?: string;
  /** A version range (or any npm spec, e.g. `file:`) per package; `false` leaves a package out. @default HubSpot's documented ranges */
  versions?: Partial<Record<PreloadedName, string | false>>;
}

/** One package of the set, with the spec it is installed at. */
export interface PreloadedPackage {
  readonly name: PreloadedName;
  readonly spec: string;
}

/** The `preloaded` option resolved: where the set lives and what it holds. */
export interface ResolvedPreloaded {
  readonly dir: string;
  readonly packages: readonly PreloadedPackage[];
}

/** The `node_modules` directory that holds each installed preloaded package, by name. */
export type PreloadedPaths = Record<string, string>;

/** Whether `name` is one of HubSpot's preloaded packages. */
export function isPreloadedName(name: string): name is PreloadedName {
  return Object.hasOwn(PRELOADED_PACKAGES, name);
}

let packageRoot: string | undefined;

/** This package's own root: the folder of the package.json named hubspot-functions above this file. */
function findPackageRoot(): string {
  if (packageRoot !== undefined) return packageRoot;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'hubspot-functions') return (packageRoot = dir);
      } catch {
        // Not ours; keep walking.
      }
    }
    if (dirname(dir) === dir) return (packageRoot = join(__dirname, '..', '..'));
  }
}

/**
 * The default cache: `.cache/hubspot-functions/preloaded` in the node_modules that holds this
 * package (the convention of find-cache-dir), so `install` and the app that mounts the functions
 * find the same directory; in a checkout of hubspot-functions itself, its own node_modules.
 */
export function defaultPreloadedDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.HUBSPOT_FUNCTIONS_PRELOADED_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const root = findPackageRoot();
  const parent = dirname(root);
  let nodeModules = join(root, 'node_modules');
  if (basename(parent) === 'node_modules') nodeModules = parent;
  else if (basename(parent).startsWith('@') && basename(dirname(parent)) === 'node_modules') nodeModules = dirname(parent);
  return join(nodeModules, '.cache', 'hubspot-functions', 'preloaded');
}

/**
 * The cache entry of one package at one spec: `axios@^0.19.2`; a spec with characters a file
 * name cannot hold everywhere (`file:/x`, `>=1 <2`) is named by its hash.
 */
export function preloadedEntryName(name: string, spec: string): string {
  const safeSpec = /^[A-Za-z0-9.^~_-]+$/.test(spec) ? spec : `h-${createHash('sha256').update(spec).digest('hex').slice(0, 16)}`;
  return `${name.replace('/', '+')}@${safeSpec}`;
}

/** The `node_modules` of a package's cache entry. */
export function preloadedNodeModules(preloaded: ResolvedPreloaded, pkg: PreloadedPackage): string {
  return join(preloaded.dir, preloadedEntryName(pkg.name, pkg.spec), 'node_modules');
}

/** The packages of the set that are installed, each with the node_modules that holds it. */
export function findInstalledPreloaded(preloaded: ResolvedPreloaded | null): PreloadedPaths {
  const paths: PreloadedPaths = {};
  for (const pkg of preloaded?.packages ?? []) {
    const nodeModules = preloadedNodeModules(preloaded!, pkg);
    if (existsSync(join(nodeModules, pkg.name, 'package.json'))) paths[pkg.name] = nodeModules;
  }
  return paths;
}

/** The set's package of this name, if the set holds it. */
export function findPreloadedPackage(preloaded: ResolvedPreloaded | null, name: string): PreloadedPackage | undefined {
  return preloaded?.packages.find((p) => p.name === name);
}
