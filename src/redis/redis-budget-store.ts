// The Redis budget store (SPEC R55): one budget per account shared by every server process that
// points at the same Redis. The check and the charge are one Lua script (budget-scripts.ts);
// ioredis's defineCommand sends it with EVALSHA and falls back to EVAL when Redis does not have it
// cached (e.g. after a restart).
import type { Redis } from 'ioredis';
import type { BudgetStore, ReserveRequest, ReserveResult, SettleRequest } from '../limits/budget-store';
import { IN_FLIGHT_GRACE_MS, START_EPOCH_MS } from '../limits/in-flight';
import { computeGeometry } from '../limits/sliding-window';
import { RESERVE_SCRIPT, SETTLE_SCRIPT } from './budget-scripts';
import { createVersionCheck } from './redis-version';
import { createFailFastClient } from './create-redis-client';

/** Options of createRedisBudgetStore. */
export interface RedisBudgetStoreOptions {
  /** A client of yours; it stays yours: close() does not quit it, and its own settings apply. */
  redis?: Redis;
  /** A Redis URL (`redis://host:6379/0`) for a client the store creates and close() quits. */
  url?: string;
  /** Prefix of the per-account keys. @default 'hsf:budget:' */
  keyPrefix?: string;
  /** Longest a command may take before it fails (created client only). @default 200 (the limiter waits 250 ms at most) */
  commandTimeoutMs?: number;
}

type ReserveReply = [number, number, number, number, number];

interface BudgetCommands {
  hsfBudgetReserve(key: string, ...args: Array<string | number>): Promise<ReserveReply>;
  hsfBudgetSettle(key: string, ...args: Array<string | number>): Promise<number>;
}

/**
 * Creates a budget store in Redis, so several server processes share one budget per account.
 * @example
 * import { createRedisBudgetStore } from 'hubspot-functions/redis';
 * const store = createRedisBudgetStore({ url: process.env.REDIS_URL });
 * app.use(hubspotFunctions('./my.functions', { rateLimit: { store } }));
 */
export function createRedisBudgetStore(options: RedisBudgetStoreOptions): BudgetStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('hubspot-functions: createRedisBudgetStore options must be { redis } or { url }');
  }
  if (options.redis === undefined && (typeof options.url !== 'string' || options.url === '')) {
    throw new TypeError(`hubspot-functions: option "url" must be a Redis URL such as "redis://127.0.0.1:6379" (or pass "redis", an ioredis client); got ${JSON.stringify(options.url)}`);
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? 200;
  if (!Number.isInteger(commandTimeoutMs) || commandTimeoutMs < 1) {
    throw new TypeError(`hubspot-functions: option "commandTimeoutMs" must be an integer >= 1; got ${JSON.stringify(commandTimeoutMs)}`);
  }
  const keyPrefix = options.keyPrefix ?? 'hsf:budget:';
  const owned = options.redis === undefined;
  const client = options.redis ?? createFailFastClient(options.url as string, commandTimeoutMs);
  client.defineCommand('hsfBudgetReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
  client.defineCommand('hsfBudgetSettle', { numberOfKeys: 1, lua: SETTLE_SCRIPT });
  const commands = client as Redis & BudgetCommands;

  // Without an offline queue, a command sent before the first connection completes fails: wait
  // for it once, briefly. Later outages fail fast instead (the limiter probes and reports them).
  let firstReady: Promise<void> | null = null;
  function firstConnection(): Promise<void> {
    if (firstReady !== null) return firstReady;
    if (client.status === 'ready') return (firstReady = Promise.resolve());
    // One shared wait for every request that arrives before the first connection.
    firstReady = new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, commandTimeoutMs);
      client.once('ready', done);
    });
    return firstReady;
  }
  const checkVersion = createVersionCheck(client);

  return {
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      const { bucketMs, buckets } = computeGeometry(request.windowMs);
      await firstConnection();
      await checkVersion();
      const [admitted, id, remainingMs, executions, retryAfterMs] = await commands.hsfBudgetReserve(
        keyPrefix + request.key,
        bucketMs,
        buckets,
        START_EPOCH_MS,
        request.estimateMs,
        request.timeoutMs + IN_FLIGHT_GRACE_MS,
        request.budgetMs,
        request.maxExecutions ?? 0,
      );
      return {
        admitted: admitted === 1,
        reservationId: admitted === 1 ? String(id) : undefined,
        remainingMs,
        executions,
        retryAfterMs,
      };
    },
    async settle(request: SettleRequest): Promise<void> {
      // Call ids are the script's own integers; anything else was not issued by this store.
      if (!/^\d+$/.test(request.reservationId)) return;
      const { bucketMs, buckets } = computeGeometry(request.windowMs);
      await commands.hsfBudgetSettle(
        keyPrefix + request.key,
        bucketMs,
        buckets,
        START_EPOCH_MS,
        request.reservationId,
        Math.max(0, Math.round(request.actualMs)),
      );
    },
    async close(): Promise<void> {
      if (!owned) return;
      try {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      } catch {
        client.disconnect();
      }
    },
  };
}
