// The pipeline with a fake runner and a fake limiter, no sockets (issue #12): every answer a
// request can get, and what reaches the runner, the limiter and the records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionDefinition, RunRequest, RunResult, Runner } from '../../src/definitions';
import { redactionsFor } from '../../src/env/redactions';
import { HubSpotFunctionsError } from '../../src/errors';
import type { RegisteredFunction } from '../../src/functions/function-registry';
import type { Admission, Limiter } from '../../src/limits/create-limiter';
import { normalizeOptions, type AllOptions } from '../../src/options';
import { createPipeline, type PipelineResult } from '../../src/pipeline/create-pipeline';
import { fromInvoke, type EndpointRequest } from '../../src/request/endpoint-request';
import { createRouter } from '../../src/routing/create-router';
import type { LogRecord } from '../../src/types';

function definition(name: string, methods: string[], kind: FunctionDefinition['kind'] = 'endpoint'): FunctionDefinition {
  const routed = kind === 'endpoint';
  return {
    id: `f#${name}`, kind, name, endpoint: routed ? name : null, methods: routed ? methods : [],
    path: routed ? `/_hcms/api/${name}` : null, file: `/f/${name}.js`, folder: '/f', configFile: '/f/serverless.json',
    environment: {}, secrets: ['API_KEY'], isProject: !routed, warnings: [], order: 0,
  };
}

const definitions = [definition('hello', ['GET']), definition('echo', ['POST', 'PUT']), definition('private', [], 'appFunction')];
const router = createRouter(definitions, '/hs/serverless');

function registered(def: FunctionDefinition, status: RegisteredFunction['status'] = 'loaded'): RegisteredFunction {
  return {
    definition: def, status, contextSecrets: { API_KEY: 'sk-test-12345' }, redactions: redactionsFor({ API_KEY: 'sk-test-12345' }),
    prepared: Promise.resolve(), prioritize: () => undefined, secretValues: { API_KEY: 'sk-test-12345' },
  };
}

function response(body: unknown, statusCode = 200): RunResult {
  return {
    outcome: { type: 'response', response: { statusCode, headers: [['content-type', 'application/json; charset=utf-8']], body: Buffer.from(JSON.stringify(body)) } },
    log: '', executionTime: 12, memoryUsedMb: 5,
  };
}

/** A pipeline over fakes; what reached them is kept for the assertions. */
function setup(options: AllOptions = {}, answer: (request: RunRequest) => RunResult = () => response({ ok: true })) {
  const runs: RunRequest[] = [];
  const settled: number[] = [];
  const records: LogRecord[] = [];
  const admits: Array<{ accountId: number; functionId: string; timeoutMs: number }> = [];
  let admitted = true;
  let closed = false;
  let listening = true;
  const runner: Runner = {
    prepare: async () => ({ ok: true }),
    run: async (request) => {
      runs.push(request);
      return answer(request);
    },
    release: async () => undefined,
    close: async () => undefined,
  };
  const limiter: Limiter = {
    // Synchronous, as the memory store answers: the pipeline must not add a promise for it.
    admit: (accountId, functionId, timeoutMs): Admission => {
      admits.push({ accountId, functionId, timeoutMs });
      return {
        admitted,
        limits: { executionsRemaining: 7, timeRemaining: 5000 },
        retryAfterSeconds: admitted ? 0 : 12,
        settle: (ms) => settled.push(ms),
      };
    },
    close: async () => undefined,
  };
  const functions = new Map(definitions.map((d) => [d.id, registered(d)]));
  const pipeline = createPipeline({
    options: normalizeOptions({ onLog: false, accountId: 42, ...options }), runner, limiter, production: false,
    functions: () => functions, closed: () => closed, listening: () => listening, emit: (r) => records.push(r),
  });
  return {
    pipeline, runs, settled, records, admits, functions,
    refuseAdmission: () => { admitted = false; },
    close: () => { closed = true; },
    deaf: () => { listening = false; },
  };
}

function request(path: string, input: { method: string; body?: unknown; headers?: Record<string, string>; query?: string }): EndpointRequest {
  return fromInvoke(path, input.query ?? '', input, 'req-1');
}

async function answer(ctx: ReturnType<typeof setup>, method: string, path: string, input: { body?: unknown; headers?: Record<string, string>; query?: string } = {}): Promise<PipelineResult> {
  return ctx.pipeline.answer(router.resolve(method, path), request(path, { method, ...input }));
}

const json = (result: PipelineResult): unknown => JSON.parse(result.response.body.toString('utf8'));

test('issue #12: an endpoint runs with the context built from the request; the record is emitted', async () => {
  const ctx = setup();
  const result = await answer(ctx, 'POST', '/_hcms/api/echo', { body: { a: 1 }, query: 'x=1&x=2' });
  assert.equal(result.response.statusCode, 200);
  assert.deepEqual(json(result), { ok: true });
  const context = ctx.runs[0]!.data.context;
  assert.deepEqual(context.body, { a: 1 });
  assert.deepEqual({ ...(context.params as object) }, { x: ['1', '2'] });
  assert.equal(context.method, 'POST');
  assert.equal(context.accountId, 42);
  assert.deepEqual(context.limits, { executionsRemaining: 7, timeRemaining: 5000 });
  assert.deepEqual(context.secrets, { API_KEY: 'sk-test-12345' });
  assert.equal(ctx.runs[0]!.timeoutMs, 10_000);
  assert.deepEqual(ctx.admits, [{ accountId: 42, functionId: 'f#echo', timeoutMs: 10_000 }], 'SPEC R55: the function\'s own estimate');
  assert.deepEqual(ctx.settled, [12], 'SPEC R55: the measured time joins the window');
  assert.equal(ctx.records.length, 1);
  assert.equal(ctx.records[0]!.status, 'SUCCESS');
  assert.equal(ctx.records[0]!.id, 'req-1');
});

test('SPEC R13: HEAD runs the GET function, which sees GET; the record keeps HEAD', async () => {
  const ctx = setup();
  const result = await answer(ctx, 'HEAD', '/_hcms/api/hello');
  assert.equal(result.response.statusCode, 200);
  assert.equal(ctx.runs[0]!.data.context.method, 'GET');
  assert.equal(ctx.records[0]!.method, 'HEAD');
});

test('SPEC R13: OPTIONS is answered at once with 204 and Allow; nothing runs, no record', () => {
  const ctx = setup();
  const result = ctx.pipeline.answer(router.resolve('OPTIONS', '/_hcms/api/echo'), request('/_hcms/api/echo', { method: 'OPTIONS' }));
  assert.ok(!(result instanceof Promise), 'a preflight is answered synchronously');
  assert.equal(result.response.statusCode, 204);
  assert.deepEqual(result.response.headers, [['Allow', 'POST, PUT, OPTIONS']]);
  assert.equal(ctx.runs.length + ctx.records.length, 0);
});

test('SPEC R13, R60: an unconfigured method is a synchronous 405 with Allow and an ERROR record', () => {
  const ctx = setup();
  const result = ctx.pipeline.answer(router.resolve('DELETE', '/_hcms/api/hello'), request('/_hcms/api/hello', { method: 'DELETE' }));
  assert.ok(!(result instanceof Promise));
  assert.equal(result.response.statusCode, 405);
  assert.ok(result.response.headers.some(([n, v]) => n === 'Allow' && v === 'GET, HEAD, OPTIONS'));
  assert.deepEqual(json(result), { code: 'HSF_METHOD_NOT_ALLOWED', message: 'DELETE is not allowed on /_hcms/api/hello; allowed: GET, HEAD, OPTIONS.', requestId: 'req-1' });
  assert.equal(ctx.records[0]!.status, 'ERROR');
  assert.equal(ctx.records[0]!.executionTime, 0);
  assert.equal(ctx.runs.length, 0);
});

test('SPEC R23: invalid JSON is a 400 and the function does not run', async () => {
  const ctx = setup();
  const path = '/_hcms/api/echo';
  const result = await ctx.pipeline.answer(router.resolve('POST', path), request(path, { method: 'POST', body: Buffer.from('{nope'), headers: { 'content-type': 'application/json' } }));
  assert.equal(result.response.statusCode, 400);
  assert.equal((json(result) as { code: string }).code, 'HSF_INVALID_JSON');
  assert.equal(ctx.runs.length, 0);
  assert.equal(ctx.admits.length, 0, 'nothing is charged for a request refused before admission');
});

test('SPEC R24: a body the edge could not read is refused with its own status', async () => {
  const ctx = setup();
  const path = '/_hcms/api/echo';
  const tooLarge = new HubSpotFunctionsError('HSF_BODY_TOO_LARGE', 'too big', { status: 413 });
  const result = await ctx.pipeline.answer(router.resolve('POST', path), { ...request(path, { method: 'POST' }), body: { type: 'unreadable', error: tooLarge } });
  assert.equal(result.response.statusCode, 413);
  assert.equal(ctx.records[0]!.error?.type, 'HSF_BODY_TOO_LARGE');
});

test('SPEC R55: a refused admission is a 429 with Retry-After; the function does not run', () => {
  const ctx = setup();
  ctx.refuseAdmission();
  const path = '/_hcms/api/hello';
  const result = ctx.pipeline.answer(router.resolve('GET', path), request(path, { method: 'GET' }));
  assert.ok(!(result instanceof Promise), 'issue #12: a synchronous store refuses synchronously');
  assert.equal(result.response.statusCode, 429);
  assert.ok(result.response.headers.some(([n, v]) => n === 'Retry-After' && v === '12'));
  assert.equal(ctx.runs.length, 0);
  assert.equal(ctx.records[0]!.error?.type, 'HSF_RATE_LIMITED');
});

test('SPEC R45: a timeout is a 504 naming the configured timeout; the record is UNHANDLED_ERROR', async () => {
  const ctx = setup({ timeoutMs: 1500 }, () => ({ outcome: { type: 'timeout' }, log: 'x\n', executionTime: 1500, memoryUsedMb: 3 }));
  const result = await answer(ctx, 'GET', '/_hcms/api/hello');
  assert.equal(result.response.statusCode, 504);
  assert.equal((json(result) as { message: string }).message, 'Task timed out after 1.50 seconds');
  assert.equal(ctx.records[0]!.status, 'UNHANDLED_ERROR');
  assert.deepEqual(ctx.settled, [1500]);
});

test('SPEC R33, R46: a thrown error is a 500 with every string redacted, in the body and the record', async () => {
  const ctx = setup({}, () => ({
    outcome: { type: 'error', code: 'HSF_FUNCTION_ERROR', error: { type: 'Err(sk-test-12345)', message: 'bad sk-test-12345', stackTrace: ['at sk-test-12345'] } },
    log: '', executionTime: 1, memoryUsedMb: 1,
  }));
  const result = await answer(ctx, 'GET', '/_hcms/api/hello');
  assert.equal(result.response.statusCode, 500);
  assert.doesNotMatch(result.response.body.toString(), /sk-test-12345/);
  assert.doesNotMatch(JSON.stringify(ctx.records[0]), /sk-test-12345/);
  assert.equal(ctx.records[0]!.error?.type, 'Err([REDACTED:API_KEY])');
  assert.equal(ctx.records[0]!.status, 'UNHANDLED_ERROR');
});

test('SPEC R53: with cors, an allowed origin gets its headers on the answer and on a preflight', async () => {
  const ctx = setup({ cors: { origins: ['https://www.example.com'] } });
  const origin = { origin: 'https://www.example.com' };
  const result = await answer(ctx, 'GET', '/_hcms/api/hello', { headers: origin });
  assert.ok(result.response.headers.some(([n, v]) => n === 'Access-Control-Allow-Origin' && v === 'https://www.example.com'));
  const preflight = await answer(ctx, 'OPTIONS', '/_hcms/api/hello', { headers: { ...origin, 'access-control-request-headers': 'x-a' } });
  assert.ok(preflight.response.headers.some(([n, v]) => n === 'Access-Control-Allow-Headers' && v === 'x-a'));
});

test('issue #12: no record is built when nobody listens, unless it is asked for', async () => {
  const ctx = setup();
  ctx.deaf();
  const plain = await answer(ctx, 'GET', '/_hcms/api/hello');
  assert.equal(plain.record, null);
  const path = '/_hcms/api/hello';
  const kept = await ctx.pipeline.answer(router.resolve('GET', path), request(path, { method: 'GET' }), true);
  assert.equal(kept.record?.status, 'SUCCESS');
  assert.equal(ctx.records.length, 1, 'a kept record still goes to the sink');
});

test('issue #6: a closed host refuses with 503 HSF_CLOSED', async () => {
  const ctx = setup();
  ctx.close();
  const result = await answer(ctx, 'GET', '/_hcms/api/hello');
  assert.equal(result.response.statusCode, 503);
  assert.equal((json(result) as { code: string }).code, 'HSF_CLOSED');
});

test('issue #7: a function still loading is moved to the front and waited for', async () => {
  const ctx = setup();
  let release!: () => void;
  const fn = ctx.functions.get('f#hello')!;
  fn.status = 'pending';
  fn.prepared = new Promise((resolve) => (release = resolve));
  let prioritized = 0;
  fn.prioritize = () => prioritized++;
  const answered = answer(ctx, 'GET', '/_hcms/api/hello');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ctx.runs.length, 0);
  assert.equal(prioritized, 1);
  fn.status = 'loaded';
  release();
  assert.equal((await answered).response.statusCode, 200);
});

test('SPEC R3, R40: an app function gets HubSpot\'s fields from the JSON body and its own timeout', async () => {
  const ctx = setup({ appFunctionTimeoutMs: 2500 });
  const path = '/hs/serverless/app-functions/private';
  const result = await answer(ctx, 'POST', path, { body: { parameters: { a: 1 }, event: { type: 'click' } } });
  assert.equal(result.response.statusCode, 200);
  const context = ctx.runs[0]!.data.context;
  assert.equal(ctx.runs[0]!.data.kind, 'appFunction');
  assert.deepEqual(context.parameters, { a: 1 });
  assert.deepEqual(context.propertiesToSend, {});
  assert.deepEqual(context.event, { type: 'click' });
  assert.equal(ctx.runs[0]!.timeoutMs, 2500);
  const wrong = await answer(ctx, 'GET', path);
  assert.equal(wrong.response.statusCode, 405);
});
