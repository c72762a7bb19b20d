// normalizeOptions: every default filled, frozen, a bad value is a TypeError naming the option.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { join, resolve } from 'node:path';
import { normalizeOptions } from '../../src/options';

test('defaults (issue #2 options table)', () => {
  const previous = process.env.HUBSPOT_ACCOUNT_ID;
  delete process.env.HUBSPOT_ACCOUNT_ID;
  try {
    const o = normalizeOptions();
    assert.deepEqual(o.prefix, { designManager: '/_hcms/api', projects: '/hs/serverless' });
    assert.equal(o.accountId, 0);
    assert.equal(o.isolation, 'process', 'SPEC R44, issue #14: process isolation by default');
    assert.equal(o.timeoutMs, 10_000);
    assert.equal(o.appFunctionTimeoutMs, 2_000);
    assert.equal(o.maxBodyBytes, 6_291_456);
    assert.equal(o.memoryLimitMb, 128);
    assert.equal(o.cors, null);
    assert.equal(o.duplicateRoutes, 'error');
    assert.equal(o.strict, false);
    assert.equal(o.contextSecrets, true);
    assert.equal(o.rawBody, false);
    assert.deepEqual(o.envAllowList, ['NODE_ENV', 'TZ', 'PATH', 'HOME', 'LANG']);
    assert.equal(o.trustProxy, false);
    assert.deepEqual({ ...o.rateLimit }, { budgetMs: 600_000, windowMs: 60_000, maxExecutions: null, store: null, failOpen: true });
    // issue #15: no shared log, a name per process, telemetry when an SDK is registered.
    assert.equal(o.logStore, null);
    assert.equal(o.instance, `${hostname()}:${process.pid}`);
    assert.equal(o.telemetry, true);
    assert.ok(Object.isFrozen(o));
  } finally {
    if (previous !== undefined) process.env.HUBSPOT_ACCOUNT_ID = previous;
  }
});

test('SPEC R26: accountId from HUBSPOT_ACCOUNT_ID', () => {
  process.env.HUBSPOT_ACCOUNT_ID = '4242';
  try {
    assert.equal(normalizeOptions().accountId, 4242);
  } finally {
    delete process.env.HUBSPOT_ACCOUNT_ID;
  }
});

test('SPEC R10: prefix as one string or per format, normalised', () => {
  assert.deepEqual(normalizeOptions({ prefix: 'api/' }).prefix, { designManager: '/api', projects: '/api' });
  assert.deepEqual(normalizeOptions({ prefix: { projects: '/p' } }).prefix, { designManager: '/_hcms/api', projects: '/p' });
  assert.deepEqual(normalizeOptions({ prefix: '/' }).prefix, { designManager: '', projects: '' });
});

const bad: Array<[string, Record<string, unknown>]> = [
  ['timeoutMs', { timeoutMs: -1 }],
  ['timeoutMs', { timeoutMs: '10' }],
  ['maxBodyBytes', { maxBodyBytes: 1.5 }],
  ['isolation', { isolation: 'docker' }],
  ['duplicateRoutes', { duplicateRoutes: 'first' }],
  ['cors', { cors: true }],
  ['cors.origins', { cors: { origins: '*' } }],
  ['onLog', { onLog: 'stderr' }],
  ['accountId', { accountId: -5 }],
  ['secrets', { secrets: ['A'] }],
  ['envAllowList', { envAllowList: 'PATH' }],
  ['prefix', { prefix: 3 }],
  ['rateLimit.budgetMs', { rateLimit: { budgetMs: 0 } }],
  ['rateLimit.store', { rateLimit: { store: {} } }],
  ['strict', { strict: 'yes' }],
  ['preloaded', { preloaded: true }],
  ['preloaded.dir', { preloaded: { dir: '' } }],
  ['preloaded.versions["lodash"]', { preloaded: { versions: { lodash: '^4' } } }],
  ['preloaded.versions["axios"]', { preloaded: { versions: { axios: 1 } } }],
  ['unknown option "timeout"', { timeout: 5 }],
  ['logStore', { logStore: { append: () => undefined } }],
  ['instance', { instance: '' }],
  ['instance', { instance: 'web\n1' }],
  ['telemetry', { telemetry: 'on' }],
];
for (const [name, input] of bad) {
  test(`a bad ${name} throws a TypeError naming it`, () => {
    assert.throws(() => normalizeOptions(input as never), (e: unknown) => e instanceof TypeError && e.message.includes(name));
  });
}

test('SPEC R42: preloaded packages default to HubSpot\'s documented ranges; versions replace or drop one', () => {
  const previous = process.env.HUBSPOT_FUNCTIONS_PRELOADED_DIR;
  delete process.env.HUBSPOT_FUNCTIONS_PRELOADED_DIR;
  const defaults = normalizeOptions().preloaded!;
  if (previous !== undefined) process.env.HUBSPOT_FUNCTIONS_PRELOADED_DIR = previous;
  assert.deepEqual(defaults.packages.map((p) => `${p.name}@${p.spec}`), ['@hubspot/api-client@^1.0.0-beta', 'axios@^0.19.2', 'request@^2.88.0', 'requests@^0.2.2']);
  assert.ok(defaults.dir.endsWith(join('node_modules', '.cache', 'hubspot-functions', 'preloaded')), defaults.dir);
  const chosen = normalizeOptions({ preloaded: { dir: 'cache', versions: { axios: '^1.7.0', request: false } } }).preloaded!;
  assert.equal(chosen.dir, resolve('cache'));
  assert.deepEqual(chosen.packages.map((p) => `${p.name}@${p.spec}`), ['@hubspot/api-client@^1.0.0-beta', 'axios@^1.7.0', 'requests@^0.2.2']);
  assert.equal(normalizeOptions({ preloaded: false }).preloaded, null);
  process.env.HUBSPOT_FUNCTIONS_PRELOADED_DIR = '/srv/preloaded';
  try {
    assert.equal(normalizeOptions().preloaded!.dir, resolve('/srv/preloaded'));
  } finally {
    if (previous === undefined) delete process.env.HUBSPOT_FUNCTIONS_PRELOADED_DIR;
    else process.env.HUBSPOT_FUNCTIONS_PRELOADED_DIR = previous;
  }
});
