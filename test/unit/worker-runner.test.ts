import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ContextData, InstanceSpec, RunResult, Runner, RunnerEvent } from '../../src/definitions';
import { endpointData, instanceSpec } from '../helpers/runner-inputs';
import { createWorkerRunner } from '../../src/runner/worker-runner';
import type { WorkerRunnerOptions } from '../../src/runner/worker-runner';

const fixtures = join(__dirname, '..', 'fixtures', 'worker');
const defaults: Omit<WorkerRunnerOptions, 'onEvent'> = {
  memoryLimitMb: 128, concurrencyPerWorker: 1, maxWorkersPerFunction: 4, maxQueuePerFunction: 100,
  workerIdleMs: 300_000, closeTimeoutMs: 2000,
};

function spec(id: string, file: string, env: Record<string, string> = {}, secrets: Record<string, string> = {}): InstanceSpec {
  return instanceSpec(fixtures, id, file, env, secrets);
}

function data(params: Record<string, string[]> = {}): ContextData {
  return endpointData(params);
}

let requests = 0;
function run(runner: Runner, functionId: string, params: Record<string, string[]> = {}, timeoutMs = 5000): Promise<RunResult> {
  return runner.run({ requestId: `req-${++requests}`, functionId, data: data(params), timeoutMs });
}

function body(result: RunResult): Record<string, unknown> {
  assert.equal(result.outcome.type, 'response', JSON.stringify(result.outcome));
  return result.outcome.type === 'response' ? (JSON.parse(result.outcome.response.body.toString()) as Record<string, unknown>) : {};
}

function errorCode(result: RunResult): string {
  return result.outcome.type === 'error' ? result.outcome.code : result.outcome.type;
}

/** Runs `fn` with a fresh worker runner that is always closed. */
async function withRunner(
  overrides: Partial<WorkerRunnerOptions>,
  fn: (runner: Runner, events: RunnerEvent[]) => Promise<void>,
): Promise<void> {
  const events: RunnerEvent[] = [];
  const runner = createWorkerRunner({ ...defaults, onEvent: (e) => events.push(e), ...overrides });
  try {
    await fn(runner, events);
  } finally {
    await runner.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('SPEC R43: sequential calls reuse the same warm worker, so module state persists', () => withRunner({}, async (runner) => {
  assert.deepStrictEqual(await runner.prepare(spec('counter', 'counter.js')), { ok: true });
  const counts = [];
  for (let i = 0; i < 4; i++) counts.push(body(await run(runner, 'counter')).count);
  assert.deepStrictEqual(counts, [1, 2, 3, 4]);
}));

test('SPEC R9 R30: two entries naming one file get their own env at load and their own module instance', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('one', 'read-at-load.js', { KEY: 'one-value' }));
  await runner.prepare(spec('two', 'read-at-load.js', { KEY: 'two-value' }));
  assert.deepStrictEqual(body(await run(runner, 'one')), { atLoad: 'one-value', now: 'one-value' });
  assert.deepStrictEqual(body(await run(runner, 'two')), { atLoad: 'two-value', now: 'two-value' });
  assert.equal(process.env.KEY, undefined);
}));

test('SPEC R31 R44 R61: 200 concurrent calls of two functions sharing an env name: 0 wrong, no 503 at default sizes', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('alpha', 'echo-env.js', { SHARED: 'alpha-value' }));
  await runner.prepare(spec('beta', 'echo-env.js', { SHARED: 'beta-value' }));
  const calls = Array.from({ length: 200 }, (_, i) => {
    const id = i % 2 === 0 ? 'alpha' : 'beta';
    return { id, n: String(i), result: run(runner, id, { n: [String(i)], delay: [String((i * 7) % 13)] }) };
  });
  const wrong: string[] = [];
  const threads = new Map<string, Set<unknown>>([['alpha', new Set()], ['beta', new Set()]]);
  for (const call of calls) {
    const result = await call.result;
    if (result.outcome.type !== 'response') {
      wrong.push(`${call.n}: ${errorCode(result)}`);
      continue;
    }
    const want = `${call.id}-value`;
    const got = body(result);
    threads.get(call.id)!.add(got.thread);
    if (got.shared !== want || got.seen !== want || got.n !== call.n) wrong.push(`${call.n}: ${JSON.stringify(got)}`);
    const lines = result.log.split('\n').filter(Boolean).map((line) => line.split('\t').slice(1).join('\t'));
    if (JSON.stringify(lines) !== JSON.stringify([`INFO\tstart ${call.n} ${want}`, `WARN\tend ${call.n} ${want}`])) {
      wrong.push(`${call.n} log: ${JSON.stringify(lines)}`);
    }
  }
  assert.deepStrictEqual(wrong, []);
  // SPEC R44: never more workers than maxWorkersPerFunction.
  for (const [id, set] of threads) assert.ok(set.size >= 1 && set.size <= 4, `${id} used ${set.size} workers`);
  assert.equal(process.env.SHARED, undefined);
}));

test('SPEC R43 R44: the pool grows only under concurrency and never past maxWorkersPerFunction', () => withRunner({ maxWorkersPerFunction: 2 }, async (runner) => {
  await runner.prepare(spec('wait', 'wait.js'));
  const sequential = new Set<unknown>();
  for (let i = 0; i < 3; i++) sequential.add(body(await run(runner, 'wait')).threadId);
  assert.equal(sequential.size, 1);
  // Six calls of 300 ms: the second worker loads long before one worker could serve them all.
  const results = await Promise.all(Array.from({ length: 6 }, () => run(runner, 'wait', { ms: ['300'] })));
  assert.equal(new Set(results.map((r) => body(r).threadId)).size, 2);
}));

test('SPEC R44: concurrencyPerWorker lets one worker run several calls at once', () => withRunner({ concurrencyPerWorker: 3 }, async (runner) => {
  await runner.prepare(spec('wait', 'wait.js'));
  const results = await Promise.all(Array.from({ length: 3 }, () => run(runner, 'wait', { ms: ['100'] })));
  assert.equal(new Set(results.map((r) => body(r).threadId)).size, 1);
}));

test('SPEC R44: beyond the workers and the queue, a call is refused at once with HSF_OVERLOADED', () => withRunner({ maxWorkersPerFunction: 1, maxQueuePerFunction: 1 }, async (runner) => {
  await runner.prepare(spec('wait', 'wait.js'));
  const first = run(runner, 'wait', { ms: ['300'] });
  const second = run(runner, 'wait', { ms: ['0'] });
  const started = Date.now();
  const third = await run(runner, 'wait');
  assert.ok(Date.now() - started < 200, 'refused at once');
  assert.equal(errorCode(third), 'HSF_OVERLOADED');
  assert.equal((await first).outcome.type, 'response');
  assert.equal((await second).outcome.type, 'response');
}));

test('SPEC R43 R44: an idle worker is retired after workerIdleMs; the next call gets a fresh instance', () => withRunner({ workerIdleMs: 100 }, async (runner) => {
  await runner.prepare(spec('counter', 'counter.js'));
  assert.equal(body(await run(runner, 'counter')).count, 1);
  assert.equal(body(await run(runner, 'counter')).count, 2);
  await sleep(400);
  assert.equal(body(await run(runner, 'counter')).count, 1);
}));

test('SPEC R30 R32: a second prepare replaces the workers: in-flight calls finish on the old env, new calls see the new one at load', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('rotating', 'read-at-load.js', { KEY: 'old-secret' }));
  const inFlight = run(runner, 'rotating', { ms: ['300'] });
  await sleep(50);
  assert.deepStrictEqual(await runner.prepare(spec('rotating', 'read-at-load.js', { KEY: 'new-secret' })), { ok: true });
  assert.deepStrictEqual(body(await run(runner, 'rotating')), { atLoad: 'new-secret', now: 'new-secret' });
  assert.deepStrictEqual(body(await inFlight), { atLoad: 'old-secret', now: 'old-secret' });
}));

test('SPEC R7: a module that fails to load: prepare says so and calls get HSF_FUNCTION_LOAD_FAILED', () => withRunner({}, async (runner) => {
  const loaded = await runner.prepare(spec('missing', 'does-not-exist.js'));
  assert.equal(loaded.ok, false);
  assert.equal(errorCode(await run(runner, 'missing')), 'HSF_FUNCTION_LOAD_FAILED');
  assert.equal(errorCode(await run(runner, 'never-prepared')), 'HSF_FUNCTION_LOAD_FAILED');
}));

test('SPEC R45: a synchronous loop times out at once, with its log, and a fresh worker serves the next call', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('loop', 'loop.js'));
  const before = body(await run(runner, 'loop')).threadId;
  const started = Date.now();
  const timedOut = await run(runner, 'loop', { loop: ['1'] }, 300);
  assert.ok(Date.now() - started < 1500, 'answered at the timeout, not later');
  assert.equal(timedOut.outcome.type, 'timeout');
  assert.match(timedOut.log, /INFO\tabout to loop\n/);
  assert.match(timedOut.log, /ERROR\tTask timed out after 0\.30 seconds\n$/);
  const after = body(await run(runner, 'loop')).threadId;
  assert.notEqual(after, before);
}));

test('SPEC R33 R61: output outside an invocation goes to onEvent, redacted, not to the host streams', () => withRunner({}, async (runner, events) => {
  await runner.prepare(spec('chatty', 'logs-at-load.js', {}, { API_KEY: 'super-secret-value' }));
  assert.equal(errorCode(await run(runner, 'chatty')), 'response');
  const event = events.find((e) => e.functionId === 'chatty');
  assert.ok(event !== undefined, JSON.stringify(events));
  assert.equal(event.requestId, '');
  assert.match(event.message, /loading with \[REDACTED:API_KEY\]/);
  assert.doesNotMatch(event.message, /super-secret-value/);
}));

test('SPEC R54: big bodies cross intact, and a Buffer the function keeps is not emptied by the transfer', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('big', 'big-body.js'));
  const fresh = await run(runner, 'big');
  assert.equal(fresh.outcome.type === 'response' && fresh.outcome.response.body.length, 1024 * 1024);
  for (let i = 0; i < 2; i++) {
    const cached = await run(runner, 'big', { cached: ['1'] });
    assert.ok(cached.outcome.type === 'response' && Buffer.isBuffer(cached.outcome.response.body));
    assert.ok(cached.outcome.response.body.equals(Buffer.alloc(256 * 1024, 7)));
  }
}));

test('SPEC R44: close() lets in-flight calls finish, then refuses calls with HSF_CLOSED', async () => {
  const runner = createWorkerRunner({ ...defaults, onEvent: () => undefined });
  await runner.prepare(spec('wait', 'wait.js'));
  const inFlight = run(runner, 'wait', { ms: ['200'] });
  await sleep(20);
  await runner.close();
  assert.equal((await inFlight).outcome.type, 'response');
  assert.equal(errorCode(await run(runner, 'wait')), 'HSF_CLOSED');
  assert.equal((await runner.prepare(spec('wait', 'wait.js'))).ok, false);
});

test('SPEC R44: close() waits at most closeTimeoutMs, then ends the workers; the stuck call gets HSF_CLOSED', async () => {
  const runner = createWorkerRunner({ ...defaults, closeTimeoutMs: 200, onEvent: () => undefined });
  await runner.prepare(spec('loop', 'loop.js'));
  const stuck = run(runner, 'loop', { loop: ['1'] }, 10_000);
  await sleep(50);
  const started = Date.now();
  await runner.close();
  assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
  assert.equal(errorCode(await stuck), 'HSF_CLOSED');
});

test('SPEC R44: a script that never calls close() still exits by itself', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'forgotten-close.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  assert.equal(code, 0, 'exited by itself, not killed');
  assert.equal(stdout, '{"count":1}');
});
