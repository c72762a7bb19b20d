// Secret rotation (issue #3, SPEC R32): secrets are re-read every `secretsRefreshMs` (HubSpot's own
// one-minute cache); when a function's values changed, it is prepared again, so a top-level
// `const { KEY } = process.env` sees the new value.
import type { SecretsResolver } from '../env/secrets';
import type { FunctionsWarning } from '../types';
import type { RegisteredFunction } from './function-registry';
import { prepareFunction, type PrepareContext } from './prepare-function';

function sameValues(a: Record<string, string | undefined>, b: Record<string, string | undefined>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Re-reads the functions' secrets every `secretsRefreshMs` (0: never); returns what stops it. */
export function refreshSecretsEvery(
  functions: readonly RegisteredFunction[],
  deps: { resolver: SecretsResolver; context: PrepareContext; ready: Promise<unknown>; warn(warning: FunctionsWarning): void },
): () => void {
  const withSecrets = functions.filter((f) => f.definition.secrets.length > 0 || f.definition.isProject);
  const every = deps.context.options.secretsRefreshMs;
  if (every <= 0 || withSecrets.length === 0) return () => undefined;
  let closed = false;
  let refreshing = false;
  const refreshOne = async (fn: RegisteredFunction): Promise<void> => {
    try {
      const values = await deps.resolver.resolve(fn.definition);
      if (sameValues(values, fn.secretValues)) return;
      const previous = fn.prepared;
      fn.prepared = previous.then(() => prepareFunction(fn, values, deps.context)).catch(() => undefined);
      await fn.prepared;
    } catch (error) {
      deps.warn({
        code: 'HSF_WARN_SECRETS_REFRESH_FAILED',
        message: `secrets of "${fn.definition.name}" could not be re-read: ${error instanceof Error ? error.message : String(error)}. The previous values stay in use.`,
        functionId: fn.definition.id,
      });
    }
  };
  const timer = setInterval(() => {
    if (refreshing || closed) return;
    refreshing = true;
    void (async () => {
      await deps.ready.catch(() => undefined);
      for (const fn of withSecrets) {
        if (closed) break;
        await refreshOne(fn);
      }
    })().finally(() => {
      refreshing = false;
    });
  }, every);
  timer.unref();
  return () => {
    closed = true;
    clearInterval(timer);
  };
}
