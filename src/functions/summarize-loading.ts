// What `ready` settles with, once every function loaded or failed (SPEC R7, R32, R42): the
// counts, one warning per failure that nothing else explains, one warning per folder for the
// packages its files cannot resolve, one per secret with no value; under `strict`, a rejection.
import { reportMissingPackages } from '../analysis/report-missing-packages';
import type { FunctionDefinition } from '../definitions';
import { describeMissingSecret } from '../env/secrets';
import { HubSpotFunctionsError } from '../errors';
import type { ResolvedOptions } from '../options';
import type { FunctionsWarning } from '../types';
import type { RegisteredFunction } from './function-registry';

/** Reports how loading went; throws HSF_LOAD_FAILED under `strict` when a function failed. */
export function summarizeLoading(
  functions: readonly RegisteredFunction[],
  definitions: readonly FunctionDefinition[],
  options: ResolvedOptions,
  warn: (warning: FunctionsWarning) => void,
): { loaded: number; failed: number } {
  // SPEC R42: one warning per folder names the packages its files need, read behind `ready`.
  const explained = reportMissingPackages(definitions, options.preloaded, warn);
  let loaded = 0;
  let failed = 0;
  const missingSecrets = new Map<string, FunctionDefinition[]>();
  for (const fn of functions) {
    const def = fn.definition;
    if (fn.status === 'loaded') loaded++;
    else {
      failed++;
      if (!explained(def, fn.error)) {
        warn({
          code: 'HSF_WARN_LOAD_FAILED',
          message: `${def.file}: function "${def.name}" failed to load: ${fn.error?.replace(/\.$/, '')}. Its route answers 500 until fixed.`,
          file: def.file,
          functionId: def.id,
        });
      }
    }
    for (const name of def.secrets) {
      if (fn.secretValues[name] === undefined) missingSecrets.set(name, [...(missingSecrets.get(name) ?? []), def]);
    }
  }
  // SPEC R32: one line per secret, naming every function that declares it.
  for (const [name, defs] of missingSecrets) {
    warn({ code: 'HSF_WARN_SECRET_MISSING', message: describeMissingSecret(name, defs, options.secrets), file: defs[0].configFile });
  }
  if (options.strict && failed > 0) {
    const names = functions.filter((f) => f.status === 'failed').map((f) => `${f.definition.file}: ${f.error}`);
    throw new HubSpotFunctionsError('HSF_LOAD_FAILED', `${failed} function(s) failed to load (strict mode):\n${names.join('\n')}`);
  }
  return { loaded, failed };
}
