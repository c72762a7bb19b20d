// File watching for `watch: true` (issue #6): fs.watch with `recursive` (Linux since Node 19.1,
// macOS, Windows), events gathered for a short quiet period so that one save (often several
// events: write, rename, chmod) gives one reload.
import { watch, type FSWatcher } from 'node:fs';
import { join, sep } from 'node:path';

/** A running watcher. */
export interface FolderWatcher {
  close(): void;
}

/** Whether a path relative to a watched root is worth a reload: not node_modules, not dot files (except `.env`). */
export function isWatchedPath(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/);
  for (const part of parts) {
    if (part === 'node_modules') return false;
    if (part.startsWith('.') && part !== '.env') return false;
  }
  // Editors' swap and backup files.
  const last = parts[parts.length - 1] ?? '';
  return !(last.endsWith('~') || last.endsWith('.swp') || last.endsWith('.tmp'));
}

/**
 * Watches `roots` recursively and calls `onChange` with the absolute paths that changed, once
 * per quiet period of `debounceMs`.
 * @param onError receives a root that cannot be watched; the others keep working
 */
export function watchFolders(
  roots: readonly string[],
  onChange: (files: string[]) => void,
  options: { debounceMs?: number; onError?: (root: string, error: Error) => void } = {},
): FolderWatcher {
  const debounceMs = options.debounceMs ?? 100;
  const watchers: FSWatcher[] = [];
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = (): void => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const files = [...pending].sort();
    pending = new Set();
    onChange(files);
  };

  for (const root of roots) {
    try {
      const watcher = watch(root, { recursive: true, persistent: false }, (_event, filename) => {
        if (closed || filename === null) return;
        const name = filename.toString();
        if (!isWatchedPath(name)) return;
        pending.add(join(root, name.split(/[\\/]/).join(sep)));
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, debounceMs);
      });
      watcher.on('error', (error) => options.onError?.(root, error));
      watchers.push(watcher);
    } catch (error) {
      options.onError?.(root, error as Error);
    }
  }

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
