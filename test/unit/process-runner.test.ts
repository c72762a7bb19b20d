// The child-process runner (issue #14, SPEC R44): the pool behaviour it shares with the worker
// runner, seen through child pids, and what only a process boundary gives: its own environment
// (/proc/self/environ), time zone and heap, memory capped by RSS from outside, SIGKILL of the
// whole process group, and children that never outlive the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ContextData, InstanceSpec, RunResult, Runner, RunnerEvent } from '../../src/definitions';
import { endpointData, instanceSpec } from '../helpers/runner-inputs';
import { createProcessRunner } from '../../src/runner/process-runner';
import type { ProcessRunnerOptions } from '../../src/runner/process-runner';

const fixtures = join(__dirname, '..', 'fixtures', 'process');
const defaults: Omit<ProcessRunnerOptions, 'onEvent'> = {
  memoryLimitMb: 128, concurrencyPerWorker: 1, maxWorkersPerFunction: 4, maxQueuePerFunction: 100,
  workerIdleMs: 300_000, closeTimeoutMs: 2000,
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function spec(id: string, file: string, env: Record<string, string> = {}, secrets: Record<string, string> = {}): InstanceSpec {
  return instanceSpec(fixtures, id, file, env, secrets);
}

let requests = 0;
function run(runner: Runner, functionId: string, params: Record<string, string[]> = {}, timeoutMs = 5000, data: ContextData = endpointData(params)): Promise<RunResult> {
  return runner.run({ requestId: `req-${++requests}`, functionId, data, timeoutMs });
}

function body(result: RunResult): Record<string, unknown> {
  assert.equal(result.outcome.type, 'response', JSON.stringify(result.outcome));
  return result.outcome.type === 'response' ? (JSON.parse(result.outcome.response.body.toString()) as Record<string, unknown>) : {};
}

function errorCode(result: RunResult): string {
  return result.outcome.type === 'error' ? result.outcome.code : result.outcome.type;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone, for at most `ms`. */
async function gone(pid: number, ms = 5000): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(25)) if (!alive(pid)) return true;
  return !alive(pid);
}

/** Runs `fn` with a fresh process runner that is always closed. */
async function withRunner(
  overrides: Partial<ProcessRunnerOptions>,
  fn: (runner: Runner, events: RunnerEvent[]) => Promise<void>,
): Promise<void> {
  const events: RunnerEvent[] = [];
  const runner = createProcessRunner({ ...defaults, onEvent: (e) => events.push(e), ...overrides });
  try {
    await fn(runner, events);
  } finally {
    await runner.close();
  }
}

test('SPEC R43: sequential calls reuse the same warm child, so module state persists', () => withRunner({}, async (runner) => {
  assert.deepStrictEqual(await runner.prepare(spec('who', 'who.js')), { ok: true });
  const seen = [];
  for (let i = 0; i < 3; i++) seen.push(body(await run(runner, 'who')));
  assert.deepStrictEqual(seen.map((b) => b.count), [1, 2, 3]);
  assert.equal(new Set(seen.map((b) => b.pid)).size, 1);
  assert.notEqual(seen[0]!.pid, process.pid);
}));

test('SPEC R30 R31 R44: the child starts with its own env only: /proc/self/environ, process.env, TZ, heap limit, no IPC channel', () => withRunner({}, async (runner) => {
  await runner.prepare({ ...spec('inside', 'at-load.js', { GREETING: 'hi' }, { API_KEY: 'secret-value-1234' }), memoryLimitMb: 96 });
  const inside = body(await run(runner, 'inside'));
  assert.deepStrictEqual([...(inside.environ as string[])].sort(), ['API_KEY=secret-value-1234', 'GREETING=hi', 'TZ=UTC']);
  assert.deepStrictEqual(inside.envKeys, ['API_KEY', 'GREETING', 'TZ']);
  assert.equal(inside.offset, 0);
  // V8's limit is old space (--max-old-space-size) plus young space.
  assert.ok((inside.heapLimitMb as number) >= 96 && (inside.heapLimitMb as number) < 160, `heap limit ${inside.heapLimitMb} MB`);
  assert.equal(inside.hasSend, 'undefined', 'no node IPC channel the function could write to');
}));

test('SPEC R31 R44 R61: 200 concurrent calls of two functions sharing an env name: 0 wrong, at most maxWorkersPerFunction children each', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('alpha', 'echo-env.js', { SHARED: 'alpha-value' }));
  await runner.prepare(spec('beta', 'echo-env.js', { SHARED: 'beta-value' }));
  const calls = Array.from({ length: 200 }, (_, i) => {
    const id = i % 2 === 0 ? 'alpha' : 'beta';
    return { id, n: String(i), result: run(runner, id, { n: [String(i)], delay: [String((i * 7) % 13)] }) };
  });
  const wrong: string[] = [];
  const pids = new Map<string, Set<unknown>>([['alpha', new Set()], ['beta', new Set()]]);
  for (const call of calls) {
    const result = await call.result;
    if (result.outcome.type !== 'response') {
      wrong.push(`${call.n}: ${errorCode(result)}`);
      continue;
    }
    const want = `${call.id}-value`;
    const got = body(result);
    pids.get(call.id)!.add(got.pid);
    if (got.shared !== want || got.n !== call.n) wrong.push(`${call.n}: ${JSON.stringify(got)}`);
    const lines = result.log.split('\n').filter(Boolean).map((line) => line.split('\t').slice(1).join('\t'));
    if (JSON.stringify(lines) !== JSON.stringify([`INFO\tstart ${call.n} ${want}`, `WARN\tend ${call.n} ${want}`])) {
      wrong.push(`${call.n} log: ${JSON.stringify(lines)}`);
    }
  }
  assert.deepStrictEqual(wrong, []);
  for (const [id, set] of pids) assert.ok(set.size >= 1 && set.size <= 4, `${id} used ${set.size} children`);
  assert.equal(process.env.SHARED, undefined);
}));

test('SPEC R44: beyond the children and the queue, a call is refused at once with HSF_OVERLOADED', () => withRunner({ maxWorkersPerFunction: 1, maxQueuePerFunction: 1 }, async (runner) => {
  await runner.prepare(spec('who', 'who.js'));
  const first = run(runner, 'who', { ms: ['300'] });
  const second = run(runner, 'who');
  assert.equal(errorCode(await run(runner, 'who')), 'HSF_OVERLOADED');
  assert.equal((await first).outcome.type, 'response');
  assert.equal((await second).outcome.type, 'response');
}));

test('SPEC R43 R44: an idle child is retired after workerIdleMs; the next call gets a fresh one', () => withRunner({ workerIdleMs: 100 }, async (runner) => {
  await runner.prepare(spec('who', 'who.js'));
  const first = body(await run(runner, 'who'));
  await sleep(400);
  assert.ok(await gone(first.pid as number), 'the idle child ended');
  const next = body(await run(runner, 'who'));
  assert.equal(next.count, 1);
  assert.notEqual(next.pid, first.pid);
}));

test('SPEC R30 R32: a second prepare replaces the children: the in-flight call finishes on the old one, new calls get a fresh module', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('who', 'who.js'));
  const old = body(await run(runner, 'who'));
  const inFlight = run(runner, 'who', { ms: ['300'] });
  await sleep(50);
  assert.deepStrictEqual(await runner.prepare(spec('who', 'who.js')), { ok: true });
  const fresh = body(await run(runner, 'who'));
  assert.equal(fresh.count, 1);
  assert.notEqual(fresh.pid, old.pid);
  assert.deepStrictEqual(body(await inFlight), { pid: old.pid, count: 2 });
  assert.ok(await gone(old.pid as number), 'the replaced child ended after its call');
}));

test('SPEC R7: a module that exits while loading fails to load, naming the exit', () => withRunner({}, async (runner) => {
  const loaded = await runner.prepare(spec('exits', 'exit-at-load.js'));
  assert.equal(loaded.ok, false);
  assert.match(loaded.ok ? '' : loaded.error.message, /exited with code 3/);
  assert.equal(errorCode(await run(runner, 'exits')), 'HSF_FUNCTION_LOAD_FAILED');
}));

test('SPEC R45: a synchronous loop gets SIGKILL at the timeout, with its log; a fresh child serves the next call', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('who', 'who.js'));
  const before = body(await run(runner, 'who')).pid as number;
  const timedOut = await run(runner, 'who', { loop: ['1'] }, 300);
  assert.equal(timedOut.outcome.type, 'timeout');
  assert.match(timedOut.log, /INFO\tabout to loop\n/);
  assert.match(timedOut.log, /ERROR\tTask timed out after 0\.30 seconds\n$/);
  assert.ok(await gone(before), 'the looping child was killed');
  assert.notEqual(body(await run(runner, 'who')).pid, before);
}));

test('SPEC R45: at the timeout the whole process group ends, subprocesses the function started included', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('spawner', 'grandchild.js'));
  const result = await run(runner, 'spawner', {}, 500);
  assert.equal(result.outcome.type, 'timeout');
  const pid = Number(/grandchild (\d+)/.exec(result.log)?.[1]);
  assert.ok(pid > 0, result.log);
  assert.ok(await gone(pid), `the grandchild ${pid} was killed with its group`);
}));

test('SPEC R44: memory is capped from outside by RSS, between calls too (a timer that keeps allocating)', () => withRunner({}, async (runner) => {
  await runner.prepare({ ...spec('leak', 'idle-leak.js'), memoryLimitMb: 64 });
  const first = body(await run(runner, 'leak'));
  // The idle watch samples once a second: the child passes 64 MB within ~150 ms of its first call.
  assert.ok(await gone(first.pid as number, 10_000), 'the leaking child was killed while idle');
  const next = body(await run(runner, 'leak'));
  assert.notEqual(next.pid, first.pid);
}));

test('SPEC R54: bodies cross as bytes both ways: rawBody in, the same bytes out, empty and 1 MB', () => withRunner({}, async (runner) => {
  await runner.prepare(spec('raw', 'raw-echo.js'));
  for (const bytes of [Buffer.alloc(0), Buffer.from([0, 1, 2, 255, 10, 0]), Buffer.alloc(1024 * 1024, 0xab)]) {
    const data = endpointData();
    data.context.rawBody = bytes;
    const result = await run(runner, 'raw', {}, 5000, data);
    assert.ok(result.outcome.type === 'response' && Buffer.isBuffer(result.outcome.response.body), JSON.stringify(result.outcome).slice(0, 200));
    assert.ok(result.outcome.response.body.equals(bytes), `${bytes.length} bytes`);
  }
}));

test('SPEC R33 R61: output outside an invocation goes to onEvent, redacted', () => withRunner({}, async (runner, events) => {
  await runner.prepare(instanceSpec(join(__dirname, '..', 'fixtures', 'worker'), 'chatty', 'logs-at-load.js', {}, { API_KEY: 'super-secret-value' }));
  assert.equal(errorCode(await run(runner, 'chatty')), 'response');
  const event = events.find((e) => e.functionId === 'chatty');
  assert.ok(event !== undefined, JSON.stringify(events));
  assert.match(event.message, /loading with \[REDACTED:API_KEY\]/);
}));

test('SPEC R44: close() waits at most closeTimeoutMs, then kills the children; the stuck call gets HSF_CLOSED', async () => {
  const runner = createProcessRunner({ ...defaults, closeTimeoutMs: 200, onEvent: () => undefined });
  await runner.prepare(spec('who', 'who.js'));
  const pid = body(await run(runner, 'who')).pid as number;
  const stuck = run(runner, 'who', { loop: ['1'] }, 10_000);
  await sleep(50);
  await runner.close();
  assert.equal(errorCode(await stuck), 'HSF_CLOSED');
  assert.equal(alive(pid), false, 'close() resolves once the child is gone');
  assert.equal(errorCode(await run(runner, 'who')), 'HSF_CLOSED');
});

/** Runs a fixture script under tsx; resolves with its exit code and stdout (killed after 10 s). */
async function runScript(name: string): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, name)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  return { code, signal, stdout };
}

test('SPEC R44: a script that never calls close() still exits by itself, and so does its child', async () => {
  const { code, stdout } = await runScript('forgotten-close.ts');
  assert.equal(code, 0, 'exited by itself, not killed');
  const { pid, count } = JSON.parse(stdout) as { pid: number; count: number };
  assert.equal(count, 1);
  assert.ok(await gone(pid), `child ${pid} ended with its host`);
});

test('SPEC R44: a host killed by SIGKILL leaves no child behind: the pipe closes and the child exits', async () => {
  const { signal, stdout } = await runScript('killed-host.ts');
  assert.equal(signal, 'SIGKILL');
  const { pid } = JSON.parse(stdout) as { pid: number };
  assert.ok(await gone(pid), `child ${pid} ended after its host was killed`);
});
