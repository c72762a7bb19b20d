import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { retainScopedEnv, runWithEnv } from '../../src/env/scoped-env';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('SPEC R30 R31: inside a scope, process.env is the scope\'s env object only', () => {
  const release = retainScopedEnv();
  try {
    process.env.HSF_HOST_ONLY = 'host';
    const env: Record<string, string> = { GREETING: 'hi' };
    runWithEnv(env, () => {
      assert.equal(process.env.GREETING, 'hi');
      assert.equal(process.env.HSF_HOST_ONLY, undefined);
      assert.equal('HSF_HOST_ONLY' in process.env, false);
      assert.equal('GREETING' in process.env, true);
      assert.deepStrictEqual(Object.keys(process.env), ['GREETING']);
      assert.deepStrictEqual({ ...process.env }, { GREETING: 'hi' });
      assert.equal(JSON.stringify(process.env), '{"GREETING":"hi"}');
      // Object.prototype methods still work, as on the real process.env.
      assert.equal(process.env.hasOwnProperty('GREETING'), true);
      assert.equal(process.env.hasOwnProperty('HSF_HOST_ONLY'), false);
      assert.equal(Object.prototype.hasOwnProperty.call(process.env, 'HSF_HOST_ONLY'), false);
    });
    // Outside a scope everything passes through to the host's env.
    assert.equal(process.env.HSF_HOST_ONLY, 'host');
    assert.equal(process.env.GREETING, undefined);
  } finally {
    delete process.env.HSF_HOST_ONLY;
    release();
  }
});

test('SPEC R30: writes, deletes and string coercion stay in the scope\'s env object', () => {
  const release = retainScopedEnv();
  try {
    const env: Record<string, string> = { REMOVE_ME: 'x' };
    runWithEnv(env, () => {
      (process.env as Record<string, unknown>).COUNT = 3;
      process.env.NAME = 'fn';
      delete process.env.REMOVE_ME;
      Object.defineProperty(process.env, 'DEFINED', { value: true, enumerable: true, configurable: true, writable: true });
    });
    assert.deepStrictEqual(env, { COUNT: '3', NAME: 'fn', DEFINED: 'true' });
    assert.equal(process.env.COUNT, undefined);
    assert.equal(process.env.NAME, undefined);
  } finally {
    release();
  }
});

test('SPEC R31: concurrent scopes never see each other\'s values', async () => {
  const release = retainScopedEnv();
  try {
    const wrong: string[] = [];
    const runs = Array.from({ length: 100 }, (_, i) => {
      const value = i % 2 === 0 ? 'even' : 'odd';
      return runWithEnv({ SHARED: value }, async () => {
        for (let step = 0; step < 3; step++) {
          await tick();
          if (process.env.SHARED !== value) wrong.push(`${i}: ${process.env.SHARED}`);
          process.env.SHARED = value;
        }
      });
    });
    await Promise.all(runs);
    assert.deepStrictEqual(wrong, []);
    assert.equal(process.env.SHARED, undefined);
  } finally {
    release();
  }
});

test('SPEC R31: inspecting process.env inside a scope shows the scope, not the host env', () => {
  const release = retainScopedEnv();
  try {
    process.env.HSF_HOST_SECRET = 'do-not-print';
    const shown = runWithEnv({ VISIBLE: 'yes' }, () => inspect(process.env));
    assert.ok(shown.includes('VISIBLE'), shown);
    assert.ok(!shown.includes('do-not-print'), shown);
  } finally {
    delete process.env.HSF_HOST_SECRET;
    release();
  }
});

test('SPEC R30: the last release restores the original process.env object', () => {
  const original = process.env;
  const first = retainScopedEnv();
  const second = retainScopedEnv();
  assert.notEqual(process.env, original);
  first();
  first(); // releasing twice counts once
  assert.notEqual(process.env, original);
  second();
  assert.equal(process.env, original);
});

test('SPEC R30: outside a scope, writes reach the real env (the host is untouched by the proxy)', () => {
  const original = process.env;
  const release = retainScopedEnv();
  try {
    process.env.HSF_OUTSIDE = 'written';
  } finally {
    release();
  }
  assert.equal(original.HSF_OUTSIDE, 'written');
  delete original.HSF_OUTSIDE;
});
