import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContextData, FunctionDefinition, RunRequest, RunResult, RunnerEvent } from '../../src/definitions';
import { redactionsFor } from '../../src/env/redactions';
import { detectCallbackStyle } from '../../src/invoke/detect-callback-style';
import { executeFunction } from '../../src/invoke/execute-function';
import { retainConsoleCapture } from '../../src/logs/console-capture';
import type { ServerlessFunction } from '../../src/types';

const definition: FunctionDefinition = {
  id: 'app.functions#fn', kind: 'endpoint', name: 'fn', endpoint: 'fn', methods: ['GET'], path: '/_hcms/api/fn',
  file: '/app.functions/fn.js', folder: '/app.functions', configFile: '/app.functions/serverless.json',
  environment: {}, secrets: ['API_KEY'], isProject: false, warnings: [], order: 0,
};
const redactions = redactionsFor({ API_KEY: 'sk-live-abcdef' });
const limits = { executionsRemaining: 100, timeRemaining: 600000 };
const endpointData: ContextData = {
  kind: 'endpoint',
  context: { accountId: 1, body: {}, contact: null, headers: { 'x-test': 'yes' }, params: { q: ['1'] }, limits, method: 'GET', endpoint: 'fn' },
};
const appData: ContextData = { kind: 'appFunction', context: { parameters: { a: 1 }, propertiesToSend: {}, event: null, accountId: 1, limits } };

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function execute(main: Function, options: { data?: ContextData; timeoutMs?: number } = {}): Promise<{ result: RunResult; events: RunnerEvent[] }> {
  const events: RunnerEvent[] = [];
  const request: RunRequest = { requestId: 'req-1', functionId: definition.id, data: options.data ?? endpointData, timeoutMs: options.timeoutMs ?? 1000 };
  const fn = main as ServerlessFunction;
  // callMain's timer is unref'd: keep the loop alive while the test waits.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    const result = await executeFunction({ definition, main: fn, callbackStyle: detectCallbackStyle(fn), redactions }, request, { onEvent: (e) => events.push(e) });
    await delay(30);
    return { result, events };
  } finally {
    clearInterval(keepAlive);
  }
}

let release: () => void;
before(() => { release = retainConsoleCapture(); });
after(() => release());

test('SPEC R41 R51: a returned response object is mapped to bytes', async () => {
  const { result } = await execute(async (context: { params: { q: string[] }; headers: Record<string, string> }) => ({
    statusCode: 201, body: { q: context.params.q, header: context.headers['X-Test'] },
  }));
  assert.equal(result.outcome.type, 'response');
  if (result.outcome.type !== 'response') return;
  assert.equal(result.outcome.response.statusCode, 201);
  assert.deepStrictEqual(JSON.parse(result.outcome.response.body.toString()), { q: ['1'], header: 'yes' });
  assert.ok(Number.isInteger(result.memoryUsedMb) && result.memoryUsedMb > 0);
});

test('SPEC R60: executionTime is the function\'s own wall time', async () => {
  // A timer never fires early: a function that waits 30 ms ran for at least that long.
  const { result } = await execute(async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { body: 'late' };
  });
  assert.ok(result.executionTime >= 29, `executionTime ${result.executionTime}`);
});

test('SPEC R41: an endpoint resolving undefined without sendResponse answers 204 with no body', async () => {
  const { result } = await execute(async () => undefined);
  assert.deepStrictEqual(result.outcome, { type: 'response', response: { statusCode: 204, headers: [], body: Buffer.alloc(0) } });
});

test('SPEC R41: a callback-style endpoint answers through sendResponse', async () => {
  const { result } = await execute((_context: unknown, sendResponse: (r: unknown) => void) => {
    setTimeout(() => sendResponse({ statusCode: 202, body: 'later' }), 5);
  });
  assert.equal(result.outcome.type === 'response' && result.outcome.response.statusCode, 202);
});

test('SPEC R40: an app function\'s result is the JSON value and a 200', async () => {
  const { result } = await execute(async (context: { parameters: { a: number } }) => ({ got: context.parameters.a, at: new Date(0) }), { data: appData });
  assert.equal(result.outcome.type, 'response');
  if (result.outcome.type !== 'response') return;
  assert.equal(result.outcome.response.statusCode, 200);
  assert.deepStrictEqual(result.outcome.value, { got: 1, at: '1970-01-01T00:00:00.000Z' });
});

test('SPEC R46 R33: a throw is HSF_FUNCTION_ERROR with the error serialised and redacted', async () => {
  const { result } = await execute(async () => {
    throw new TypeError('bad key sk-live-abcdef');
  });
  assert.equal(result.outcome.type, 'error');
  if (result.outcome.type !== 'error') return;
  assert.equal(result.outcome.code, 'HSF_FUNCTION_ERROR');
  assert.equal(result.outcome.error.type, 'TypeError');
  assert.equal(result.outcome.error.message, 'bad key [REDACTED:API_KEY]');
  assert.ok(!result.outcome.error.stackTrace.join('\n').includes('sk-live-abcdef'));
});

test('SPEC R52: an unsendable response is HSF_RESPONSE_INVALID, not a crash', async () => {
  const { result } = await execute(async () => ({ statusCode: 200, body: { big: BigInt(1) } }));
  assert.equal(result.outcome.type === 'error' && result.outcome.code, 'HSF_RESPONSE_INVALID');
});

test('SPEC R45: a timeout is outcome timeout and the log says "Task timed out after 0.05 seconds"', async () => {
  const { result } = await execute(() => new Promise(() => undefined), { timeoutMs: 50 });
  assert.deepStrictEqual(result.outcome, { type: 'timeout' });
  assert.match(result.log, /\tERROR\tTask timed out after 0\.05 seconds\n$/);
});

test('SPEC R61 R33: console output lands in the log as lines, redacted', async () => {
  const { result } = await execute(async () => {
    console.log('using', 'sk-live-abcdef');
    console.warn('careful');
    return 'ok';
  });
  const lines = result.log.split('\n').filter(Boolean).map((line) => line.split('\t').slice(1).join('\t'));
  assert.deepStrictEqual(lines, ['INFO\tusing [REDACTED:API_KEY]', 'WARN\tcareful']);
});

test('SPEC R61 R33: the 4 KB cut keeps the end and cannot leave part of a secret behind', async () => {
  const { result } = await execute(async () => {
    for (let i = 0; i < 500; i++) console.log(`line ${i} sk-live-abcdef`);
    return 'ok';
  });
  assert.ok(Buffer.byteLength(result.log) <= 4096);
  assert.ok(result.log.endsWith('line 499 [REDACTED:API_KEY]\n'));
  assert.ok(!/live|abcdef/.test(result.log));
});

test('SPEC R47: a second sendResponse and late console output become redacted events with the ids', async () => {
  const { result, events } = await execute((_context: unknown, sendResponse: (r: unknown) => void) => {
    sendResponse({ statusCode: 200, body: 'first' });
    sendResponse({ statusCode: 500, body: 'second' });
    setTimeout(() => console.error('after the answer sk-live-abcdef'), 5);
  });
  assert.equal(result.outcome.type === 'response' && result.outcome.response.body.toString(), 'first');
  assert.equal(result.log, '');
  assert.deepStrictEqual(events.map((e) => [e.requestId, e.functionId, e.level]), [['req-1', definition.id, 'WARN'], ['req-1', definition.id, 'ERROR']]);
  assert.ok(events[1].message.includes('after the answer [REDACTED:API_KEY]'), events[1].message);
});
