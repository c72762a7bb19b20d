// Where secret values come from (SPEC R32): an object or a function given as the `secrets`
// option; else the host's environment (including `--env-file`), then the functions folder's
// `.env` (HubSpot's local tools use it). A real environment variable is never overridden by a
// file (the dotenv convention), so a deployment can override a stale `.env`.
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
 * @param provider null for the default (`hostEnv`, then the folder's `.env`), an object, or a (possibly async) function.
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
    if (provider === null) return hostEnv[name] ?? ownValue(readDotEnv(folder), name);
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

/**
 * The one warning for a declared secret without a value (SPEC R32): every function that declares
 * it, and where the provider in use looked.
 * @param declaredBy the functions that declare the secret, in mount order
 */
export function describeMissingSecret(name: string, declaredBy: readonly FunctionDefinition[], provider: SecretsProvider | null): string {
  const byConfig = new Map<string, string[]>();
  for (const d of declaredBy) byConfig.set(d.configFile, [...(byConfig.get(d.configFile) ?? []), d.name]);
  const declared = [...byConfig].map(([file, names]) => `${names.map((n) => `"${n}"`).join(', ')} in ${file}`).join('; ');
  let looked: string;
  if (provider === null) {
    const files = [...new Set(declaredBy.map((d) => join(d.folder, '.env')))];
    looked = `The default provider looked in the host environment, then ${files.join(', ')}. ` +
      `Run \`hubspot-functions secrets add ${name}\` (it writes the folder's .env), or set ${name} in the environment.`;
  } else if (typeof provider === 'function') {
    looked = `The \`secrets\` option (a function) returned no value for it. Make it return one.`;
  } else {
    looked = `The \`secrets\` option (an object) has no ${name} key. Add it there.`;
  }
  return `secret "${name}" has no value; it is declared by ${declared}. ${looked}`;
}
