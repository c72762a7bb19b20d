// Resolves a function's `file` inside its root (SPEC R6). A file that escapes the root (`../x.js`,
// an absolute path, a symlink pointing outside) is a mount-time error; a file that does not exist
// is not: SPEC R7 reports it when loading settles, and that endpoint answers 500 while others serve.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { HubSpotFunctionsError } from '../errors';

/**
 * Returns the absolute path of `file` under `root`, checked not to escape it.
 * The path is lexical (under `root` as given); symlinks are followed only to check where they lead.
 * @param where the file and JSON path, for the message
 */
export function resolveFunctionFile(root: string, file: string, where: { file: string; jsonPath: string }): string {
  if (path.isAbsolute(file) || path.win32.isAbsolute(file)) {
    throw escapes(where, file, root, 'is an absolute path');
  }
  const resolved = path.resolve(root, file);
  if (!isInside(root, resolved)) throw escapes(where, file, root, 'leads outside the folder');

  // Symlinks: compare real paths. The file may not exist yet (SPEC R7), so check its nearest
  // existing ancestor, which is where a symlinked folder would lead the missing file.
  const realRoot = realpathSync(root);
  let existing = resolved;
  while (!existsSync(existing) && isInside(root, path.dirname(existing)) && existing !== root) {
    existing = path.dirname(existing);
  }
  if (existsSync(existing) && !isInside(realRoot, realpathSync(existing))) {
    throw escapes(where, file, root, 'is reached through a symlink that leads outside the folder');
  }
  return resolved;
}

/** Whether `candidate` is `root` itself or below it. */
function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function escapes(where: { file: string; jsonPath: string }, file: string, root: string, how: string): HubSpotFunctionsError {
  return new HubSpotFunctionsError(
    'HSF_CONFIG_FILE_ESCAPES',
    `${where.file}: ${where.jsonPath} is ${JSON.stringify(file)}, which ${how} (${root}). ` +
      'Move the file into that folder and name it relative to it, e.g. "endpoints/x.js".',
  );
}
