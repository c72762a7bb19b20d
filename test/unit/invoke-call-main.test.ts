import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callMain } from '../../src/invoke/call-main';
import type { ServerlessFunction } from '../../src/types';

type Late = Array<[level: 'WARN' | 'ERROR', message: string]>;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `main` and also waits a little after the answer, so late events are seen. */
async function call(main: Function, callbackStyle: boolean, timeoutMs = 1000) {
  // callMain's timer is unref'd (it must not keep a host alive): a test keeps the loop alive itself.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    const late: Late = [];
    const outcome = await callMain(main as ServerlessFunction, { n: 1 }, {
      callbackStyle,
      timeoutMs,
      onLate: (level, message) => late.push([level, message]),
    });
    await delay(30);
    return { outcome, late };
  } finally {
    clearInterval(keepAlive);
  }
}

const boom = new Error('boom');

const cases: Array<{ name: string; main: Function; callbackStyle: boolean; timeoutMs?: number; want: unknown; late?: Array<'WARN' | 'ERROR'> }> = [
  { name: 'SPEC R41: an async return value is the response', main: async () => ({ statusCode: 201 }), callbackStyle: false, want: { kind: 'value', value: { statusCode: 201 } } },
  { name: 'SPEC R41: a sync return value is the response', main: () => 'text', callbackStyle: false, want: { kind: 'value', value: 'text' } },
  { name: 'SPEC R41: the context is passed as the first argument', main: async (c: { n: number }) => c.n, callbackStyle: false, want: { kind: 'value', value: 1 } },
  { name: 'SPEC R41: sendResponse called synchronously is the response', main: (_c: unknown, send: (r: unknown) => void) => send({ body: 'cb' }), callbackStyle: true, want: { kind: 'value', value: { body: 'cb' } } },
  { name: 'SPEC R41: callback style resolving undefined waits for a later sendResponse', main: async (_c: unknown, send: (r: unknown) => void) => { setTimeout(() => send({ body: 'later' }), 20); }, callbackStyle: true, want: { kind: 'value', value: { body: 'later' } } },
  { name: 'SPEC R41: callback style resolving a value answers with it', main: async () => ({ body: 'returned' }), callbackStyle: true, want: { kind: 'value', value: { body: 'returned' } } },
  { name: 'SPEC R41: sendResponse before the promise resolves wins', main: async (_c: unknown, send: (r: unknown) => void) => { send('first'); await delay(5); return 'second'; }, callbackStyle: true, want: { kind: 'value', value: 'first' } },
  { name: 'SPEC R41: a resolved value before a later sendResponse wins', main: (_c: unknown, send: (r: unknown) => void) => { setTimeout(() => send('late'), 5); return Promise.resolve('early'); }, callbackStyle: true, want: { kind: 'value', value: 'early' }, late: ['WARN'] },
  { name: 'SPEC R41: fewer than two parameters resolving undefined answers undefined (204)', main: async () => undefined, callbackStyle: false, want: { kind: 'value', value: undefined } },
  { name: 'SPEC R41: fewer than two parameters returning undefined synchronously answers undefined', main: () => undefined, callbackStyle: false, want: { kind: 'value', value: undefined } },
  { name: 'SPEC R41: sendResponse() with no argument answers undefined', main: (_c: unknown, send: () => void) => send(), callbackStyle: true, want: { kind: 'value', value: undefined } },
  { name: 'SPEC R41 R45: callback style that never calls back times out', main: async () => undefined, callbackStyle: true, timeoutMs: 20, want: { kind: 'timeout' } },
  { name: 'SPEC R45: a promise that never settles times out', main: () => new Promise(() => undefined), callbackStyle: false, timeoutMs: 20, want: { kind: 'timeout' } },
  { name: 'SPEC R46: a synchronous throw is threw', main: () => { throw boom; }, callbackStyle: false, want: { kind: 'threw', error: boom } },
  { name: 'SPEC R46: a rejection is threw', main: async () => { throw boom; }, callbackStyle: true, want: { kind: 'threw', error: boom } },
  { name: 'SPEC R46: a non-Error throw is threw with that value', main: () => { throw 'plain'; }, callbackStyle: false, want: { kind: 'threw', error: 'plain' } },
  { name: 'SPEC R47: sendResponse twice: the first wins and the second is a warning', main: (_c: unknown, send: (r: unknown) => void) => { send('one'); send('two'); }, callbackStyle: true, want: { kind: 'value', value: 'one' }, late: ['WARN'] },
  { name: 'SPEC R47: a rejection after sendResponse is a late error', main: async (_c: unknown, send: (r: unknown) => void) => { send('sent'); throw boom; }, callbackStyle: true, want: { kind: 'value', value: 'sent' }, late: ['ERROR'] },
  { name: 'SPEC R47: a throw after sendResponse is a late error', main: (_c: unknown, send: (r: unknown) => void) => { send('sent'); throw boom; }, callbackStyle: true, want: { kind: 'value', value: 'sent' }, late: ['ERROR'] },
  { name: 'SPEC R45 R47: sendResponse after the timeout is a late warning', main: (_c: unknown, send: (r: unknown) => void) => { setTimeout(() => send('too late'), 15); }, callbackStyle: true, timeoutMs: 5, want: { kind: 'timeout' }, late: ['WARN'] },
];

for (const t of cases) {
  test(t.name, async () => {
    const { outcome, late } = await call(t.main, t.callbackStyle, t.timeoutMs);
    assert.deepStrictEqual(outcome, t.want);
    assert.deepStrictEqual(late.map(([level]) => level), t.late ?? []);
  });
}

test('SPEC R45: an answered call clears its timer (no timeout fires afterwards)', async () => {
  let settledTwice = false;
  const outcome = await callMain((async () => 'fast') as unknown as ServerlessFunction, {}, {
    callbackStyle: false,
    timeoutMs: 10,
    onLate: () => { settledTwice = true; },
  });
  await delay(30);
  assert.deepStrictEqual(outcome, { kind: 'value', value: 'fast' });
  assert.equal(settledTwice, false);
});

test('SPEC R45: the timeout timer does not keep the process alive (unref)', async () => {
  const handles = () => (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = handles();
  const pending = callMain((() => new Promise(() => undefined)) as unknown as ServerlessFunction, {}, {
    callbackStyle: false,
    timeoutMs: 60_000,
    onLate: () => undefined,
  });
  // An unref'd timer is not an active resource that keeps the event loop alive.
  assert.equal(handles(), before);
  void pending;
});
