// Flags shared by the commands that create a host (serve, invoke, validate): how they become
// AllOptions, including `--env-file`, `--rate-limit` and `--redis` (issue #4: several servers on
// one Redis-held budget without writing code; issue #15: for `serve`, the shared records too).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotEnv } from 'dotenv';
import type { BudgetStore } from '../limits/budget-store';
import type { LogStore } from '../logs/log-store';
import type { AllOptions } from '../options';
import type { CliIo } from './cli-io';
import { CliUsageError } from './usage-error';

/** parseArgs specs of the shared flags. */
export const HOST_FLAGS = {
  prefix: { type: 'string' },
  isolation: { type: 'string' },
  'env-file': { type: 'string', multiple: true },
  'account-id': { type: 'string' },
  'rate-limit': { type: 'string' },
  redis: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** The parsed values of HOST_FLAGS. */
export interface HostFlagValues {
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
  if (values.isolation !== undefined) {
    if (values.isolation !== 'worker' && values.isolation !== 'inline') throw new CliUsageError(`--isolation must be "worker" or "inline"; got "${values.isolation}".`);
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
