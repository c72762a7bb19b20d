// Flags shared by the commands that create a host (serve, invoke, validate): how they become
// AllOptions, including `--env-file`, `--rate-limit` and `--redis` (issue #4: several servers on
// one Redis-held budget without writing code; issue #15: for `serve`, the shared records too).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotEnv } from 'dotenv';
import type { BudgetStore } from '../limits/budget-store';
import type { LogStore } from '../logs/log-store';
import { parseOrigin } from '../outbound/outbound-policy';
import { isPreloadedName, PRELOADED_PACKAGES } from '../preloaded/preloaded-packages';
import type { AllOptions } from '../options';
import type { CliIo } from './cli-io';
import { CliUsageError } from './usage-error';

/** parseArgs specs of the preloaded-set flags (SPEC R42), shared by every command that resolves packages. */
export const PRELOADED_FLAGS = {
  'preloaded-dir': { type: 'string' },
  preloaded: { type: 'string', multiple: true },
} as const;

/** The parsed values of PRELOADED_FLAGS. */
export interface PreloadedFlagValues {
  'preloaded-dir'?: string;
  preloaded?: string[];
}

/**
 * The `preloaded` option from `--preloaded-dir <dir>` and `--preloaded <name>@<range>` (repeatable;
 * `<name>@off` leaves one package out, `off` the whole set); undefined when neither is given.
 * @throws CliUsageError for a value that names no preloaded package
 */
export function parsePreloadedFlags(values: PreloadedFlagValues, io: Pick<CliIo, 'cwd'>): AllOptions['preloaded'] {
  const given = values.preloaded ?? [];
  if (given.includes('off')) {
    if (given.length > 1 || values['preloaded-dir'] !== undefined) throw new CliUsageError('--preloaded off turns the preloaded set off; it takes no other --preloaded or --preloaded-dir.');
    return false;
  }
  if (given.length === 0 && values['preloaded-dir'] === undefined) return undefined;
  const versions: Record<string, string | false> = {};
  for (const value of given) {
    const at = value.indexOf('@', 1);
    const name = at === -1 ? value : value.slice(0, at);
    const spec = at === -1 ? '' : value.slice(at + 1);
    if (!isPreloadedName(name) || spec === '') {
      throw new CliUsageError(`--preloaded takes <package>@<range> for one of ${Object.keys(PRELOADED_PACKAGES).join(', ')} (or <package>@off, or off); got "${value}".`);
    }
    // A relative `file:` spec is relative to where the command runs, not to the cache.
    const local = /^file:(?!\/)(.+)$/.exec(spec);
    versions[name] = spec === 'off' ? false : local === null ? spec : `file:${resolve(io.cwd, local[1])}`;
  }
  return {
    ...(values['preloaded-dir'] === undefined ? {} : { dir: resolve(io.cwd, values['preloaded-dir']) }),
    ...(given.length > 0 ? { versions } : {}),
  };
}

/** parseArgs specs of the outbound flags (issue #13). */
export const OUTBOUND_FLAGS = {
  'outbound-rewrite': { type: 'string', multiple: true },
  'outbound-deny': { type: 'boolean' },
} as const;

/** The parsed values of OUTBOUND_FLAGS. */
export interface OutboundFlagValues {
  'outbound-rewrite'?: string[];
  'outbound-deny'?: boolean;
}

/**
 * The `outbound` option from `--outbound-rewrite <from>=<to>` (repeatable) and `--outbound-deny`;
 * undefined when neither is given.
 * @throws CliUsageError for a value that is not two origins joined by `=`
 */
export function parseOutboundFlags(values: OutboundFlagValues): AllOptions['outbound'] {
  const given = values['outbound-rewrite'] ?? [];
  if (given.length === 0 && values['outbound-deny'] !== true) return undefined;
  const rewrite: Record<string, string> = {};
  for (const value of given) {
    const eq = value.indexOf('=');
    const from = eq === -1 ? null : parseOrigin(value.slice(0, eq));
    const to = eq === -1 ? null : parseOrigin(value.slice(eq + 1));
    if (from === null || to === null) {
      throw new CliUsageError(`--outbound-rewrite takes <from>=<to>, two origins (http(s)://host[:port], no path), e.g. https://api.hubapi.com=http://127.0.0.1:4010; got "${value}".`);
    }
    rewrite[from] = to;
  }
  return { rewrite, ...(values['outbound-deny'] === true ? { deny: true } : {}) };
}

/** parseArgs specs of the shared flags. */
export const HOST_FLAGS = {
  ...PRELOADED_FLAGS,
  ...OUTBOUND_FLAGS,
  prefix: { type: 'string' },
  isolation: { type: 'string' },
  'env-file': { type: 'string', multiple: true },
  'account-id': { type: 'string' },
  'rate-limit': { type: 'string' },
  redis: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** The parsed values of HOST_FLAGS. */
export interface HostFlagValues extends PreloadedFlagValues, OutboundFlagValues {
  prefix?: string;
  isolation?: string;
  'env-file'?: string[];
  'account-id'?: string;
  'rate-limit'?: string;
  redis?: string;
  timeout?: string;
}

/** Host options built from flags, and what to release when the command ends. */
export interface HostFlagOptions {
  options: AllOptions;
  /** Closes what the flags created (the Redis store), after the host closed. */
  release(): Promise<void>;
}

/**
 * Loads `--env-file` files into the environment without overriding what is already set (as
 * `node --env-file` does): their values feed secrets (SPEC R32), HUBSPOT_ACCOUNT_ID and
 * HUBSPOT_FUNCTIONS_REDIS_URL.
 */
export function loadEnvFiles(files: readonly string[], io: CliIo): void {
  for (const file of files) {
    const path = resolve(io.cwd, file);
    let text: Buffer;
    try {
      text = readFileSync(path);
    } catch (error) {
      throw new CliUsageError(`--env-file ${file}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    for (const [name, value] of Object.entries(parseDotEnv(text))) {
      if (io.env[name] === undefined) io.env[name] = value;
    }
  }
}

/**
 * Builds host options from the shared flags.
 * @param shared.logStore `--redis` also holds the records of every instance (serve, issue #15)
 * @throws CliUsageError for a value that is not what the flag takes
 */
export function buildHostOptions(values: HostFlagValues, io: CliIo, shared: { logStore?: boolean } = {}): HostFlagOptions {
  loadEnvFiles(values['env-file'] ?? [], io);
  const options: AllOptions = {};
  if (values.prefix !== undefined) options.prefix = values.prefix;
  const preloaded = parsePreloadedFlags(values, io);
  if (preloaded !== undefined) options.preloaded = preloaded;
  const outbound = parseOutboundFlags(values);
  if (outbound !== undefined) options.outbound = outbound;
  if (values.isolation !== undefined) {
    if (values.isolation !== 'process' && values.isolation !== 'worker' && values.isolation !== 'inline') {
      throw new CliUsageError(`--isolation must be "process", "worker" or "inline"; got "${values.isolation}".`);
    }
    options.isolation = values.isolation;
  }
  if (values['account-id'] !== undefined) {
    const id = Number(values['account-id']);
    if (!/^\d+$/.test(values['account-id']) || !Number.isSafeInteger(id)) throw new CliUsageError(`--account-id must be a non-negative integer; got "${values['account-id']}".`);
    options.accountId = id;
  }
  if (values.timeout !== undefined) {
    if (!/^\d+$/.test(values.timeout) || Number(values.timeout) < 1) throw new CliUsageError(`--timeout takes milliseconds (an integer >= 1); got "${values.timeout}".`);
    options.timeoutMs = Number(values.timeout);
  }
  let store: BudgetStore | undefined;
  let logStore: LogStore | undefined;
  const redisUrl = values.redis ?? (io.env.HUBSPOT_FUNCTIONS_REDIS_URL || undefined);
  const rate = values['rate-limit'];
  if (rate === 'off') {
    if (values.redis !== undefined && shared.logStore !== true) throw new CliUsageError('--redis holds the execution budget; it makes no sense with --rate-limit off.');
    options.rateLimit = false;
  } else if (rate !== undefined || redisUrl !== undefined) {
    let budgetMs: number | undefined;
    if (rate !== undefined) {
      const seconds = Number(rate);
      if (rate.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        throw new CliUsageError(`--rate-limit takes execution seconds per minute (HubSpot: 600), or "off"; got "${rate}".`);
      }
      budgetMs = Math.round(seconds * 1000);
    }
    if (redisUrl !== undefined) store = loadRedis().createRedisBudgetStore({ url: redisUrl });
    // SPEC R55: the budget is per minute; only its size comes from the flag.
    options.rateLimit = { ...(budgetMs === undefined ? {} : { budgetMs }), ...(store ? { store } : {}) };
  }
  // One Redis for the budget and the records (issue #15).
  if (shared.logStore === true && redisUrl !== undefined) options.logStore = logStore = loadRedis().createRedisLogStore({ url: redisUrl });
  return {
    options,
    async release() {
      await store?.close?.();
      await logStore?.close?.();
    },
  };
}

/**
 * The Redis stores' entry, loaded only when asked for: ioredis is an optional peer dependency. A
 * store's bad option becomes a usage error.
 */
export function loadRedis(flag = '--redis'): typeof import('../redis') {
  let redis: typeof import('../redis');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    redis = require('../redis') as typeof import('../redis');
  } catch (error) {
    throw new CliUsageError(`${flag} needs the ioredis package: run \`npm install ioredis\` (${(error as Error).message}).`);
  }
  const usage = <A extends unknown[], R>(create: (...args: A) => R) => (...args: A): R => {
    try {
      return create(...args);
    } catch (error) {
      throw new CliUsageError(`${flag}: ${(error as Error).message}`);
    }
  };
  return { ...redis, createRedisBudgetStore: usage(redis.createRedisBudgetStore), createRedisLogStore: usage(redis.createRedisLogStore) };
}
