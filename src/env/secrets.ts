// Where secret values come from (SPEC R32): by default the functions folder's `.env` (HubSpot's
// local tools use it) and then the host's environment; or an object; or a function of the name.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import type { FunctionDefinition } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import type { SecretsProvider } from '../types';
import { PRIVATE_APP_ACCESS_TOKEN } from './build-function-env';

/** Resolves the secret values of functions, reading `.env` files at most once per change. */
export interface SecretsResolver {
  /** The values of the definition's declared secrets (plus PRIVATE_APP_ACCESS_TOKEN for project functions). */
  resolve(definition: FunctionDefinition): Promise<Record<string, string | undefined>>;
  /** The parsed `.env` of a folder (empty when there is none), cached until the file changes. */
  readDotEnv(folder: string): Record<string, string>;
}

interface CachedDotEnv {
  mtimeMs: number;
  size: number;
  values: Record<string, string>;
}

/**
 * Creates the secrets resolver for a provider (SPEC R32).
 * @param provider null for the default (`.env`, then `hostEnv`), an object, or a (possibly async) function.
 * @example
 * const secrets = createSecretsResolver(null, process.env);
 * const values = await secrets.resolve(definition); // { API_KEY: '…' }
 */
export function createSecretsResolver(
  provider: SecretsProvider | null,
  hostEnv: Record<string, string | undefined>,
): SecretsResolver {
  const cache = new Map<string, CachedDotEnv>();

  function readDotEnv(folder: string): Record<string, string> {
    const file = join(folder, '.env');
    let stats;
    try {
      stats = statSync(file);
    } catch {
      cache.delete(folder);
      return {};
    }
    const hit = cache.get(folder);
    // Re-read when the file changed since: secrets can be rotated without a restart.
    if (hit !== undefined && hit.mtimeMs === stats.mtimeMs && hit.size === stats.size) return hit.values;
    const values = parse(readFileSync(file));
    cache.set(folder, { mtimeMs: stats.mtimeMs, size: stats.size, values });
    return values;
  }

  async function valueOf(name: string, folder: string): Promise<string | undefined> {
    if (provider === null) return ownValue(readDotEnv(folder), name) ?? hostEnv[name];
    if (typeof provider === 'function') {
      let value;
      try {
        value = await provider(name);
      } catch (cause) {
        throw new HubSpotFunctionsError(
          'HSF_FUNCTION_LOAD_FAILED',
          `The secrets provider threw for the secret "${name}": ${cause instanceof Error ? cause.message : String(cause)}. Fix the \`secrets\` option's function, or return undefined for secrets it does not know.`,
          { cause },
        );
      }
      return value === undefined || value === null ? undefined : String(value);
    }
    const value = ownValue(provider, name);
    return value === undefined || value === null ? undefined : String(value);
  }

  async function resolve(definition: FunctionDefinition): Promise<Record<string, string | undefined>> {
    const names = [...definition.secrets];
    // SPEC R30: project functions also get the private app's token when one is provided.
    if (definition.isProject && !names.includes(PRIVATE_APP_ACCESS_TOKEN)) names.push(PRIVATE_APP_ACCESS_TOKEN);
    const values: Record<string, string | undefined> = {};
    for (const name of names) {
      const value = await valueOf(name, definition.folder);
      Object.defineProperty(values, name, { value, writable: true, enumerable: true, configurable: true });
    }
    return values;
  }

  return { resolve, readDotEnv };
}

/** An own property's value: `constructor` or `__proto__` in a `.env` or an object is a plain name. */
function ownValue(values: Record<string, string | undefined>, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
}
