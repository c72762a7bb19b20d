// Finds the configuration files behind the mount argument (SPEC R1): `.functions` folders, folders
// given directly that hold a serverless.json, and `*-hsmeta.json` files found by a recursive search.
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { HubSpotFunctionsError } from '../errors';
import { createWarning, type WarningSink } from './config-warnings';

/** One configuration file to read, in mount order. */
export type DiscoveredConfig =
  | { type: 'serverless'; folder: string; configFile: string }
  | { type: 'hsmeta'; file: string };

/** The configuration files one mount argument led to. */
export interface DiscoveredSource {
  /** The absolute path as given (resolved against cwd). */
  source: string;
  /** Whether the source was searched (rather than being one functions folder or file). */
  searched: boolean;
  configs: DiscoveredConfig[];
}

const EXPECTED = 'a `.functions` folder, a folder holding a serverless.json, a `*-hsmeta.json` file, ' +
  'or a project folder that contains them';

/**
 * Resolves each mount argument to its configuration files: source order first, then sorted paths
 * within a source (never directory-listing order, SPEC R8). A folder or file reached twice is kept once.
 */
export function discoverSources(sources: readonly string[], cwd: string, warn: WarningSink): DiscoveredSource[] {
  const seen = new Set<string>();
  const result: DiscoveredSource[] = [];
  for (const given of sources) {
    const source = path.resolve(cwd, given);
    const stats = statSync(source, { throwIfNoEntry: false });
    if (stats === undefined) {
      throw new HubSpotFunctionsError('HSF_SOURCE_NOT_FOUND', `${source} does not exist. Pass ${EXPECTED}.`);
    }
    let searched = false;
    let configs: DiscoveredConfig[];
    if (stats.isFile()) {
      configs = [fileConfig(source)];
    } else if (source.endsWith('.functions') || isFile(path.join(source, 'serverless.json'))) {
      const configFile = path.join(source, 'serverless.json');
      if (!isFile(configFile)) {
        throw new HubSpotFunctionsError('HSF_CONFIG_INVALID',
          `${source} is a functions folder without a serverless.json. Add ${configFile} declaring its endpoints.`);
      }
      configs = [{ type: 'serverless', folder: source, configFile }];
    } else {
      searched = true;
      configs = searchFolder(source, warn);
      if (configs.length === 0) {
        throw new HubSpotFunctionsError('HSF_SOURCE_NOT_FOUND',
          `${source} holds no \`.functions\` folder with a serverless.json and no \`*-hsmeta.json\` file ` +
            `(node_modules and dot-folders are not searched). Pass ${EXPECTED}.`);
      }
    }
    const fresh = configs.filter((config) => {
      const key = realpathSync(config.type === 'serverless' ? config.configFile : config.file);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    result.push({ source, searched, configs: fresh });
  }
  return result;
}

/** A file given directly: a serverless.json stands for its folder; an hsmeta file for itself. */
function fileConfig(file: string): DiscoveredConfig {
  const name = path.basename(file);
  if (name === 'serverless.json') return { type: 'serverless', folder: path.dirname(file), configFile: file };
  if (name.endsWith('-hsmeta.json')) return { type: 'hsmeta', file };
  throw new HubSpotFunctionsError('HSF_SOURCE_NOT_FOUND', `${file} is a file, not a functions folder. Pass ${EXPECTED}.`);
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * Searches a folder recursively for `*.functions` folders and `*-hsmeta.json` files (SPEC R1),
 * skipping `node_modules` and dot-folders, and not descending into a functions folder.
 * Symlinked folders are followed once each (real paths are tracked, so a loop ends).
 */
function searchFolder(root: string, warn: WarningSink): DiscoveredConfig[] {
  const found: DiscoveredConfig[] = [];
  const skipped: string[] = [];
  const visited = new Set<string>();
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const real = realpathSync(dir);
    if (visited.has(real)) continue;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // An unreadable folder holds nothing we can serve.
    }
    // Sorted, and pushed so that pop() visits them in order: when a symlink and its target both
    // lead to one folder, which path is kept never depends on directory-listing order.
    const subfolders: string[] = [];
    for (const entry of entries.sort((a, b) => compareCodeUnits(a.name, b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const stats = entry.isSymbolicLink() ? statSync(full, { throwIfNoEntry: false }) : entry;
      if (stats === undefined) continue; // A dangling symlink.
      if (stats.isDirectory()) {
        if (!entry.name.endsWith('.functions')) {
          subfolders.push(full);
        } else if (isFile(path.join(full, 'serverless.json'))) {
          found.push({ type: 'serverless', folder: full, configFile: path.join(full, 'serverless.json') });
        } else {
          skipped.push(full);
        }
      } else if (stats.isFile() && entry.name.endsWith('-hsmeta.json')) {
        found.push({ type: 'hsmeta', file: full });
      }
    }
    pending.push(...subfolders.reverse());
  }
  for (const folder of skipped.sort(compareCodeUnits)) {
    warn(createWarning('HSF_WARN_NO_CONFIG', { file: folder },
      'is a `.functions` folder without a serverless.json; it is skipped.',
      'Add a serverless.json declaring its endpoints, or rename the folder.'));
  }
  // SPEC R8: mount order is sorted paths, never directory-listing order.
  return found.sort((a, b) => compareCodeUnits(sortKey(a), sortKey(b)));
}

function sortKey(config: DiscoveredConfig): string {
  return config.type === 'serverless' ? config.configFile : config.file;
}

/** Code-unit order, not locale order, so mount order is the same on every machine. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
