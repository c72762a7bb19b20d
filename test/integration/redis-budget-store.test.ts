// The Redis budget store against a real redis-server (issues #4, #10, SPEC R55): one budget across
// processes, the same arithmetic as the memory store, calls in flight that expire, bounded delay
// when Redis dies, accounting again once it is back. Skipped (with the install command) where
// redis-server is missing, except under CI=true, where that fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLimiter, type Limiter } from '../../src/limits/create-limiter';
import { createMemoryBudgetStore } from '../../src/limits/memory-budget-store';
import { STORE_DEADLINE_MS } from '../../src/limits/store-health';
import type { BudgetStore, ReserveRequest, ReserveResult } from '../../src/limits/budget-store';
import { createRedisBudgetStore } from '../../src/redis';
import { RESERVE_SCRIPT, SETTLE_SCRIPT } from '../../src/redis/budget-scripts';
import { createVersionCheck, isSupportedRedisVersion, readRedisVersion } from '../../src/redis/redis-version';
import type { ResolvedRateLimit } from '../../src/options';
import type { FunctionsWarning } from '../../src/types';
import { redisSkipReason, startRedis } from '../helpers/redis-server';

const skip = redisSkipReason();
const WORKER = join(__dirname, '../fixtures/limits/burst-worker.ts');

function rateLimit(overrides: Partial<ResolvedRateLimit>): ResolvedRateLimit {
  return { budgetMs: 1000, windowMs: 60_000, maxExecutions: null, store: null, failOpen: true, ...overrides };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkerResult { type: 'result'; admitted: number; admittedMs: number; retryAfters: number[]; warnings: string[] }

function startWorker(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; result: Promise<WorkerResult> } {
  const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: 'inherit' });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'ready') onReady();
      else if (message.type === 'result') resolve(message as WorkerResult);
      else reject(new Error(`worker failed: ${message.message}`));
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before reporting`)));
  });
  result.catch(() => {});
  return { child, ready, result };
}

test('SPEC R55: two server processes on one Redis spend one budget, and both answer 429 with Retry-After after it', { skip, timeout: 60_000 }, async () => {
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, BURST: '20', BUDGET_MS: '1000', TIMEOUT_MS: '100' };
  const workers = [startWorker(env), startWorker(env)];
  try {
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.send('go');
    const [a, b] = await Promise.all(workers.map((w) => w.result));
    // Each call is charged its 100 ms estimate in flight and settles 100 ms: the total admitted
    // execution time is within the budget, and 40 requests spend it whole.
    assert.ok(a!.admittedMs + b!.admittedMs <= 1000, `admitted ${a!.admittedMs} + ${b!.admittedMs} ms`);
    assert.ok(a!.admitted + b!.admitted >= 1);
    for (const r of [a!, b!]) {
      assert.ok(r.retryAfters.length >= 10, 'each process saw refusals');
      for (const seconds of r.retryAfters) assert.ok(seconds >= 1 && seconds <= 61, `Retry-After ${seconds}`);
    }
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill();
    await redis.stop();
  }
});

test('SPEC R55: Redis killed mid-run: admissions still answer within the bound (fail-open, one warning); restarted: accounting resumes', { skip, timeout: 60_000 }, async () => {
  let redis = await startRedis();
  const store = createRedisBudgetStore({ url: redis.url });
  const warnings: FunctionsWarning[] = [];
  const limiter: Limiter = createLimiter(rateLimit({ store }), { onWarning: (w) => warnings.push(w) });
  try {
    const before = await limiter.admit(1, 'fn', 100);
    assert.equal(before.admitted, true);
    before.settle(100);

    await redis.kill();
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const admission = await limiter.admit(1, 'fn', 100);
      assert.ok(performance.now() - started < STORE_DEADLINE_MS * 4, 'answered within the bound');
      assert.equal(admission.admitted, true);
      admission.settle(100);
    }
    assert.deepStrictEqual(warnings.map((w) => w.code), ['HSF_WARN_RATE_LIMIT_STORE_DOWN']);

    redis = await startRedis({ port: redis.port });
    for (let i = 0; i < 100 && warnings.length < 2; i++) {
      (await limiter.admit(1, 'fn', 100)).settle(100);
      if (warnings.length < 2) await sleep(100);
    }
    assert.deepStrictEqual(warnings.map((w) => w.code), ['HSF_WARN_RATE_LIMIT_STORE_DOWN', 'HSF_WARN_RATE_LIMIT_STORE_RECOVERED']);

    // The restarted Redis starts empty; calls of 100 ms spend the 1000 ms budget in at most 10.
    let refusal = null;
    for (let i = 0; i < 11 && refusal === null; i++) {
      const admission = await limiter.admit(1, 'fn', 100);
      if (admission.admitted) admission.settle(100);
      else refusal = admission;
    }
    assert.ok(refusal !== null, 'refused again once the budget is spent');
    assert.ok(refusal.retryAfterSeconds >= 1);
  } finally {
    await limiter.close();
    await store.close!();
    await redis.stop();
  }
});

test('SPEC R55: settle replaces the in-flight charge in Redis, the key expires, and a flushed script is sent again', { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  const store = createRedisBudgetStore({ redis: client, keyPrefix: 'test:' });
  // Estimates of seconds: the milliseconds the calls spend in flight here never decide.
  const request: ReserveRequest = { key: 'acct:5', estimateMs: 6000, timeoutMs: 10_000, budgetMs: 10_000, windowMs: 60_000, maxExecutions: null };
  try {
    const first = await store.reserve(request);
    assert.equal(first.admitted, true);
    assert.equal(first.remainingMs, 10_000, 'nothing ran yet');
    const second = await store.reserve(request);
    assert.equal(second.remainingMs, 4000, 'the first is charged its 6 s estimate in flight');
    assert.equal((await store.reserve(request)).admitted, false, '12 s in flight');
    await store.settle({ key: 'acct:5', reservationId: first.reservationId!, actualMs: 1000, windowMs: 60_000 });
    const ttl = await client.pttl('test:acct:5');
    assert.ok(ttl > 60_000 && ttl <= 2 * 61_000 + 10_000 + 10_000, `PTTL ${ttl}`);

    await client.script('FLUSH'); // EVALSHA now fails with NOSCRIPT: the store falls back to EVAL
    const third = await store.reserve(request);
    assert.equal(third.admitted, true);
    assert.equal(third.remainingMs, 3000, '1 s settled + 6 s in flight');
    assert.equal(third.executions, 3);

    await store.close!();
    assert.equal(client.status, 'ready', 'a client passed in stays open');
  } finally {
    client.disconnect();
    await redis.stop();
  }
});

test('SPEC R55, issue #10: the Redis script and the memory store charge the same', { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const redisStore = createRedisBudgetStore({ url: redis.url });
  const memoryStore = createMemoryBudgetStore();
  // Whenever calls are in flight, their estimates dwarf the milliseconds they have used here, so
  // the figures are exact.
  async function play(store: BudgetStore): Promise<Array<Omit<ReserveResult, 'reservationId' | 'retryAfterMs'> & { retry: boolean }>> {
    const seen: Array<Omit<ReserveResult, 'reservationId' | 'retryAfterMs'> & { retry: boolean }> = [];
    const ask = async (estimateMs: number, maxExecutions: number | null = null) => {
      const r = await store.reserve({ key: 'acct:9', estimateMs, timeoutMs: 10_000, budgetMs: 100_000, windowMs: 60_000, maxExecutions });
      seen.push({ admitted: r.admitted, remainingMs: r.remainingMs, executions: r.executions, retry: r.retryAfterMs > 0 && r.retryAfterMs <= 61_000 });
      return r.reservationId!;
    };
    const settle = (id: string, actualMs: number) => store.settle({ key: 'acct:9', reservationId: id, actualMs, windowMs: 60_000 });
    const a = await ask(30_000);
    const b = await ask(20_000);
    const c = await ask(0);
    await settle(a, 1000);
    const d = await ask(0);
    await settle(b, 2000);
    await settle(c, 3000);
    await settle(d, 0);
    await ask(1000);
    await ask(0, 6);
    await ask(0, 6);
    return seen;
  }
  try {
    const expected = [
      { admitted: true, remainingMs: 100_000, executions: 1, retry: false },
      { admitted: true, remainingMs: 70_000, executions: 2, retry: false },
      { admitted: true, remainingMs: 50_000, executions: 3, retry: false },
      { admitted: true, remainingMs: 79_000, executions: 4, retry: false },
      { admitted: true, remainingMs: 94_000, executions: 5, retry: false },
      { admitted: true, remainingMs: 93_000, executions: 6, retry: false },
      { admitted: false, remainingMs: 93_000, executions: 6, retry: true },
    ];
    assert.deepStrictEqual(await play(memoryStore), expected);
    assert.deepStrictEqual(await play(redisStore), expected);
  } finally {
    await redisStore.close!();
    await redis.stop();
  }
});

test('SPEC R55, issue #10: 61 concurrent first calls with a 10 s timeout on a Redis budget are all admitted', { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const store = createRedisBudgetStore({ url: redis.url });
  const limiter = createLimiter(rateLimit({ store, budgetMs: 600_000, failOpen: false }), { onWarning: (w) => assert.fail(w.message) });
  try {
    const admissions = await Promise.all(Array.from({ length: 61 }, () => limiter.admit(1, 'fn', 10_000)));
    assert.equal(admissions.filter((a) => a.admitted).length, 61);
    for (const a of admissions) assert.ok(a.limits.timeRemaining > 590_000, `timeRemaining ${a.limits.timeRemaining}`);
  } finally {
    await limiter.close();
    await store.close!();
    await redis.stop();
  }
});

test('SPEC R55, issue #10: two servers on one Redis budget of 1 s, called alternately with 300 ms calls, admit 4 of 10', { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const settles: Array<Promise<void>> = [];
  // Each "server" has its own client, store and estimates; settles are awaited so they land in order.
  const servers = [0, 1].map(() => {
    const inner = createRedisBudgetStore({ url: redis.url });
    const store: BudgetStore = {
      reserve: (request) => inner.reserve(request),
      settle: (request) => { const p = Promise.resolve(inner.settle(request)); settles.push(p); return p; },
      close: () => inner.close!(),
    };
    return { store, limiter: createLimiter(rateLimit({ store, failOpen: false }), { onWarning: (w) => assert.fail(w.message) }) };
  });
  try {
    const admitted: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const admission = await servers[i % 2]!.limiter.admit(1, 'fn', 10_000);
      admitted.push(admission.admitted);
      admission.settle(300);
      await Promise.all(settles);
    }
    // 300 + 300 + 300 ms leave budget for a fourth call; then 1200 ms have run.
    assert.deepStrictEqual(admitted, [true, true, true, true, false, false, false, false, false, false]);
  } finally {
    for (const s of servers) {
      await s.limiter.close();
      await s.store.close!();
    }
    await redis.stop();
  }
});

test('SPEC R55, issue #10: in Redis, a call never settled (a crashed server) stops counting once its entry expires', { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  const store = createRedisBudgetStore({ redis: client, keyPrefix: 'test:' });
  const request: ReserveRequest = { key: 'acct:3', estimateMs: 9000, timeoutMs: 10_000, budgetMs: 10_000, windowMs: 60_000, maxExecutions: null };
  try {
    const ghost = await store.reserve(request);
    assert.equal((await store.reserve(request)).admitted, true);
    assert.equal((await store.reserve(request)).admitted, false, 'two calls of 9 s in flight');
    // As if timeout + grace had passed for the first call: its entry's expiry (and the hash's
    // earliest-expiry mark) now lie in the past. The layout is src/redis/budget-scripts.ts's.
    const field = `f${ghost.reservationId}`;
    const [start, estimate] = (await client.hget('test:acct:3', field))!.split(':');
    await client.hset('test:acct:3', field, `${start}:${estimate}:1`, 'x', '1');
    const after = await store.reserve(request);
    assert.equal(after.admitted, true);
    assert.equal(after.remainingMs, 1000, 'only the second call counts (9 s)');
    assert.equal(await client.hexists('test:acct:3', field), 0, 'the ghost entry is gone');
    assert.equal(await client.hget('test:acct:3', 'c'), '2');
  } finally {
    client.disconnect();
    await redis.stop();
  }
});

test('SPEC R55, issue #10: a budget hash written by an older version starts afresh', { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  const store = createRedisBudgetStore({ redis: client, keyPrefix: 'test:' });
  try {
    await client.hset('test:acct:4', 't1', '500', 'n1', '1');
    const first = await store.reserve({ key: 'acct:4', estimateMs: 0, timeoutMs: 1000, budgetMs: 1000, windowMs: 60_000, maxExecutions: null });
    assert.equal(first.remainingMs, 1000);
    assert.equal(await client.hexists('test:acct:4', 't1'), 0);
  } finally {
    client.disconnect();
    await redis.stop();
  }
});

test('issue #10: the real server accepts both scripts and passes the version check', { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  try {
    for (const script of [RESERVE_SCRIPT, SETTLE_SCRIPT]) assert.match(String(await client.script('LOAD', script)), /^[0-9a-f]{40}$/);
    const version = readRedisVersion(await client.info('server'));
    assert.ok(version !== null && isSupportedRedisVersion(version), `redis_version ${version}`);
    await createVersionCheck(client)();
    // From Redis 5 the switch is a no-op answering true (deprecated in 7, still there).
    assert.equal(await client.eval('return tostring(redis.replicate_commands())', 0), 'true');
  } finally {
    client.disconnect();
    await redis.stop();
  }
});
