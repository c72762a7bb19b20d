// `watch: true` (issue #6): watch the mounted folders and reload on change, reporting one line
// per reload through onWarning (the host's one channel for messages that are not log records).
import { resolve } from 'node:path';
import type { FunctionsWarning } from '../types';
import type { ReloadResult } from '../functions/function-set';
import { watchFolders, type FolderWatcher } from './watch-folders';

const short = (ids: readonly string[]): string => ids.map((id) => id.slice(id.lastIndexOf('#') + 1)).join(', ');

/** The one line a reload prints. */
export function describeReload(result: ReloadResult, files: readonly string[], ms: number): string {
  if (!result.ok) return `reload failed, the previous version keeps serving: ${result.error.message}`;
  const parts: string[] = [];
  if (result.changed.length > 0) parts.push(`reloaded ${short(result.changed)}`);
  if (result.added.length > 0) parts.push(`added ${short(result.added)}`);
  if (result.removed.length > 0) parts.push(`removed ${short(result.removed)}`);
  if (result.failed.length > 0) parts.push(`failed to load: ${short(result.failed)}`);
  if (parts.length === 0) parts.push(`no function affected by ${files.length} changed file(s)`);
  return `${parts.join('; ')} (${ms} ms)`;
}

/**
 * Watches the host's sources and calls `reload` with the changed files.
 * @param warn receives `HSF_WATCH_RELOADED` after each reload and `HSF_WARN_RELOAD_FAILED` when the new configuration is invalid
 */
export function startWatching(
  source: string | string[],
  reload: (files: readonly string[]) => Promise<ReloadResult>,
  warn: (warning: FunctionsWarning) => void,
): FolderWatcher {
  const roots = (Array.isArray(source) ? source : [source]).map((s) => resolve(s));
  return watchFolders(
    roots,
    (files) => {
      const started = Date.now();
      void reload(files).then((result) => {
        const message = describeReload(result, files, Date.now() - started);
        warn(result.ok ? { code: 'HSF_WATCH_RELOADED', message } : { code: 'HSF_WARN_RELOAD_FAILED', message });
      });
    },
    {
      onError: (root, error) => warn({ code: 'HSF_WARN_WATCH_FAILED', message: `cannot watch ${root}: ${error.message}. Changes there need a restart.`, file: root }),
    },
  );
}
