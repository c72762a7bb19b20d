// The Redis version check of the budget store (SPEC R55, issue #10): the scripts need Redis 3.2
// or later (budget-scripts.ts). An older server gets one clear error naming the minimum, which
// the limiter reports once as the store being unavailable, instead of a Lua error per request.
import type { Redis } from 'ioredis';
import { ReplyError } from 'ioredis';
import { MIN_REDIS_VERSION } from './budget-scripts';

/** The `redis_version` of an `INFO server` reply, or null when it has none. */
export function readRedisVersion(info: string): string | null {
  return /^redis_version:([^\r\n]+)/m.exec(info)?.[1]?.trim() ?? null;
}

/** Whether `version` (e.g. `7.0.15`) is at least MIN_REDIS_VERSION. */
export function isSupportedRedisVersion(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [minMajor = 0, minMinor = 0] = MIN_REDIS_VERSION.split('.').map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

/** The error for a server too old for the scripts. */
export function describeUnsupportedVersion(version: string): Error {
  return new Error(
    `Redis ${version} is too old for the budget store: it needs Redis ${MIN_REDIS_VERSION} or later (its scripts write after TIME). Upgrade Redis, or run without the Redis store.`,
  );
}

/**
 * Returns a check that reads the server's version once (`INFO server`) and from then on rejects
 * with describeUnsupportedVersion when it is too old. A server that refuses INFO (an ACL) is
 * given the benefit of the doubt; a connection failure is retried on the next call.
 */
export function createVersionCheck(client: Pick<Redis, 'info'>): () => Promise<void> {
  let checked: Promise<Error | null> | null = null;
  return async () => {
    checked ??= client.info('server').then(
      (info) => {
        const version = readRedisVersion(info);
        return version !== null && !isSupportedRedisVersion(version) ? describeUnsupportedVersion(version) : null;
      },
      (error: unknown) => {
        if (!(error instanceof ReplyError)) checked = null;
        return null;
      },
    );
    const problem = await checked;
    if (problem !== null) throw problem;
  };
}
