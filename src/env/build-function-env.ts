// A function's whole process.env (SPEC R30, R31): what Lambda would give it, and nothing of the
// host's except an allow-list.
import type { FunctionDefinition } from '../definitions';

/** The token project functions get when one is provided (SPEC R30). */
export const PRIVATE_APP_ACCESS_TOKEN = 'PRIVATE_APP_ACCESS_TOKEN';

/**
 * Builds a function's environment: allow-listed host names, then `environment`, then the
 * declared secrets' values (a secret wins over an environment name, SPEC R7), then
 * PRIVATE_APP_ACCESS_TOKEN for project functions, then `TZ=UTC` as on Lambda unless the function's
 * own `environment` sets TZ (SPEC R30, R31).
 * @param secretValues the resolved values of the declared secrets (undefined: no value).
 */
export function buildFunctionEnv(
  definition: FunctionDefinition,
  secretValues: Record<string, string | undefined>,
  options: { allowList: readonly string[]; hostEnv: Record<string, string | undefined>; privateAppAccessToken?: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  // SPEC R31: nothing else from the host leaks in (a function must not read the host's secrets).
  for (const name of options.allowList) {
    const value = options.hostEnv[name];
    if (value !== undefined) put(env, name, value);
  }
  for (const [name, value] of Object.entries(definition.environment)) put(env, name, String(value));
  for (const name of definition.secrets) {
    const value = secretValues[name];
    if (value !== undefined) put(env, name, value);
  }
  if (definition.isProject) {
    const token = options.privateAppAccessToken ?? secretValues[PRIVATE_APP_ACCESS_TOKEN] ?? options.hostEnv[PRIVATE_APP_ACCESS_TOKEN];
    if (token !== undefined) put(env, PRIVATE_APP_ACCESS_TOKEN, token);
  }
  // SPEC R30: functions run with TZ=UTC, as on Lambda, whatever the host says; a function whose own
  // `environment` names a zone gets it (issue #14: a child process runs in it; threads share the
  // host's zone, and R7 warns that TZ is reserved).
  put(env, 'TZ', Object.hasOwn(definition.environment, 'TZ') ? String(definition.environment.TZ) : 'UTC');
  return env;
}

/** Sets an own property, so a name like `__proto__` is a plain key and never pollution. */
function put(env: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(env, name, { value, writable: true, enumerable: true, configurable: true });
}
