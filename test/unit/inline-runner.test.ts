import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ContextData, InstanceSpec, RunResult, Runner, RunnerEvent } from '../../src/definitions';
import { endpointData, instanceSpec } from '../helpers/runner-inputs';
import { createInlineRunner } from '../../src/runner/inline-runner';

const fixtures = join(__dirname, '..', 'fixtures', 'invoke');

function spec(id: string, file: string, env: Record<string, string> = {}, secrets: Record<string, string> = {}): InstanceSpec {
  return instanceSpec(fixtures, id, file, env, secrets);
}

function data(params: Record<string, string[]> = {}): ContextData {
  return endpointData(params);
}

let requests = 0;
function run(runner: Runner, functionId: string, params: Record<string, string[]> = {}): Promise<RunResult> {
  return runner.run({ requestId: `req-${++requests}`, functionId, data: data(params), timeoutMs: 5000 });
}

function body(result: RunResult): Record<string, unknown> {
  assert.equal(result.outcome.type, 'response', JSON.stringify(result.outcome));
  return result.outcome.type === 'response' ? (JSON.parse(result.outcome.response.body.toString()) as Record<string, unknown>) : {};
}

/** Runs `fn` with a fresh runner that is always closed. */
async function withRunner(fn: (runner: Runner, events: RunnerEvent[]) => Promise<void>): Promise<void> {
  const events: RunnerEvent[] = [];
  const runner = createInlineRunner({ closeTimeoutMs: 2000, onEvent: (e) => events.push(e) });
  try {
    await fn(runner, events);
  } finally {
    await runner.close();
  }
}

test('SPEC R31 R44 R61: 200 concurrent calls of two functions: each sees its own env and gets its own console lines', () => withRunner(async (runner) => {
  assert.deepStrictEqual(await runner.prepare(spec('alpha', 'env/echo-env.js', { SHARED: 'alpha-value' })), { ok: true });
  assert.deepStrictEqual(await runner.prepare(spec('beta', 'env/echo-env.js', { SHARED: 'beta-value' })), { ok: true });
  const calls = Array.from({ length: 200 }, (_, i) => {
    const id = i % 2 === 0 ? 'alpha' : 'beta';
    return { id, n: String(i), result: run(runner, id, { n: [String(i)], delay: [String((i * 7) % 13)] }) };
  });
  const wrong: string[] = [];
  for (const call of calls) {
    const result = await call.result;
    const want = `${call.id}-value`;
    const got = body(result);
    if (got.shared !== want || got.seen !== want || got.n !== call.n) wrong.push(`${call.n}: ${JSON.stringify(got)}`);
    const lines = result.log.split('\n').filter(Boolean).map((line) => line.split('\t').slice(1).join('\t'));
    const wantLines = [`INFO\tstart ${call.n} ${want}`, `WARN\tend ${call.n} ${want}`];
    if (JSON.stringify(lines) !== JSON.stringify(wantLines)) wrong.push(`${call.n} log: ${JSON.stringify(lines)}`);
  }
  assert.deepStrictEqual(wrong, []);
  assert.equal(process.env.SHARED, undefined);
  assert.equal(process.env.SEEN, undefined);
}));

test('SPEC R43: module state persists across sequential calls of the same function', () => withRunner(async (runner) => {
  await runner.prepare(spec('counter', 'cjs/counter.js', {}));
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push(body(await run(runner, 'counter')).count);
  assert.deepStrictEqual(counts, [1, 2, 3]);
}));

test('SPEC R9: two entries naming the same file have separate module state; a second prepare starts fresh', () => withRunner(async (runner) => {
  await runner.prepare(spec('one', 'cjs/counter.js', {}));
  await runner.prepare(spec('two', 'cjs/counter.js', {}));
  assert.equal(body(await run(runner, 'one')).count, 1);
  assert.equal(body(await run(runner, 'one')).count, 2);
  assert.equal(body(await run(runner, 'two')).count, 1);
  await runner.prepare(spec('one', 'cjs/counter.js', {}));
  assert.equal(body(await run(runner, 'one')).count, 1);
}));

for (const file of ['env/read-at-load.js', 'env/read-at-load.mjs']) {
  test(`SPEC R30: ${file}: the env is visible at module load`, () => withRunner(async (runner) => {
    await runner.prepare(spec('load', file, { GREETING: 'hello at load' }));
    assert.equal(body(await run(runner, 'load', { n: ['1'] })).atLoad, 'hello at load');
  }));
}

test('SPEC R30: a write to process.env lasts as long as the instance and never reaches another function or the host', () => withRunner(async (runner) => {
  await runner.prepare(spec('writer', 'env/read-at-load.js', { GREETING: 'hi' }));
  await runner.prepare(spec('other', 'env/read-at-load.js', { GREETING: 'other' }));
  assert.equal(body(await run(runner, 'writer', { n: ['first'] })).last, 'first');
  // The next call of the same function still sees what the last one wrote (a warm Lambda).
  const before = process.env.LAST_CALL;
  const second = run(runner, 'writer', { n: ['second'] });
  const other = body(await run(runner, 'other', { n: ['mine'] }));
  assert.equal(body(await second).last, 'second');
  assert.equal(other.last, 'mine');
  assert.equal(other.now, 'other');
  assert.equal(process.env.LAST_CALL, before);
  assert.equal(process.env.LAST_CALL, undefined);
}));

test('SPEC R30 R33 R46: a function writing process.env and logging a secret: host untouched, secret redacted', () => withRunner(async (runner) => {
  await runner.prepare(spec('leak', 'env/leak.js', {}, { API_KEY: 'sk-test-99999' }));
  const result = await run(runner, 'leak');
  assert.equal(process.env.HSF_TEST_LEAK, undefined);
  assert.equal(result.outcome.type === 'error' && result.outcome.code, 'HSF_FUNCTION_ERROR');
  assert.ok(result.log.includes('token is [REDACTED:API_KEY]'), result.log);
  assert.ok(!JSON.stringify(result).includes('sk-test-99999'));
}));

test('SPEC R7: a function that failed to load: prepare reports it, every run answers HSF_FUNCTION_LOAD_FAILED', () => withRunner(async (runner) => {
  const load = await runner.prepare(spec('broken', 'broken/throws-at-load.js', {}));
  assert.equal(load.ok, false);
  const result = await run(runner, 'broken');
  assert.equal(result.outcome.type === 'error' && result.outcome.code, 'HSF_FUNCTION_LOAD_FAILED');
  assert.ok(result.outcome.type === 'error' && result.outcome.error.message.includes('throws-at-load.js'));
}));

test('SPEC R7: a run for an id that was never prepared is an error outcome, not a rejection', () => withRunner(async (runner) => {
  const result = await run(runner, 'nobody');
  assert.equal(result.outcome.type === 'error' && result.outcome.code, 'HSF_FUNCTION_LOAD_FAILED');
}));

test('SPEC R44: close() waits for in-flight calls, then restores process.env and the console', async () => {
  const env = process.env;
  const log = console.log;
  const runner = createInlineRunner({ closeTimeoutMs: 2000, onEvent: () => undefined });
  await runner.prepare(spec('slow', 'env/echo-env.js', { SHARED: 'x' }));
  assert.notEqual(process.env, env);
  const pending = run(runner, 'slow', { n: ['1'], delay: ['40'] });
  await runner.close();
  let settled = false;
  void pending.then(() => { settled = true; });
  await Promise.resolve();
  assert.equal(settled, true);
  assert.equal(body(await pending).shared, 'x');
  assert.equal(process.env, env);
  assert.equal(console.log, log);
  const after = await run(runner, 'slow', { n: ['2'], delay: ['0'] });
  assert.equal(after.outcome.type === 'error' && after.outcome.code, 'HSF_CLOSED');
});
