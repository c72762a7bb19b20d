// Preparing one function (SPEC R29-R31, R33, R42): its redactions, `context.secrets`, its whole
// process.env, then its instance in the runner, with HubSpot's preloaded packages where installed.
import type { Runner } from '../definitions';
import { buildFunctionEnv } from '../env/build-function-env';
import { redact, redactionsFor } from '../env/redactions';
import type { ResolvedOptions } from '../options';
import { findInstalledPreloaded } from '../preloaded/preloaded-packages';
import type { RegisteredFunction } from './function-registry';

/** What preparing a function needs. */
export interface PrepareContext {
  options: ResolvedOptions;
  runner: Runner;
  hostEnv: NodeJS.ProcessEnv;
}

/**
 * Prepares one function with these secret values: its redactions, `context.secrets`, its whole
 * env (SPEC R30, R31), then its instance in the runner; the outcome lands in `fn.status`.
 */
export async function prepareFunction(fn: RegisteredFunction, secretValues: Record<string, string | undefined>, context: PrepareContext): Promise<void> {
  const { options } = context;
  const def = fn.definition;
  fn.secretValues = secretValues;
  fn.redactions = redactionsFor(secretValues);
  const contextSecrets: Record<string, string> = {};
  for (const name of def.secrets) {
    const value = secretValues[name];
    if (value !== undefined) contextSecrets[name] = value;
  }
  fn.contextSecrets = contextSecrets;
  const env = buildFunctionEnv(def, secretValues, {
    allowList: options.envAllowList,
    hostEnv: context.hostEnv,
    privateAppAccessToken: secretValues.PRIVATE_APP_ACCESS_TOKEN,
  });
  // SPEC R42: looked up at each preparation, so a set installed while serving is found.
  const preloaded = findInstalledPreloaded(options.preloaded);
  const result = await context.runner.prepare({ definition: def, env, redactions: fn.redactions, memoryLimitMb: options.memoryLimitMb, preloaded });
  if (result.ok) {
    fn.status = 'loaded';
    delete fn.error;
  } else {
    fn.status = 'failed';
    fn.error = redact(`${result.error.type}: ${result.error.message}`, fn.redactions);
  }
}

