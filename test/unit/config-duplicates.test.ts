// SPEC R8: the same method on the same URL path from two entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDefinitions } from '../../src/config/load-definitions';
import { isFunctionsError } from '../../src/errors';

const FIXTURES = path.resolve(__dirname, '../fixtures/config');
const PREFIX = { designManager: '/_hcms/api', projects: '/hs/serverless' };
const SHARED = { designManager: '/api', projects: '/api' };

function load(sources: string[], duplicateRoutes: 'error' | 'last-wins', prefix = PREFIX) {
  return loadDefinitions(sources, { prefix, duplicateRoutes, cwd: FIXTURES });
}

const errorCases: Array<{ name: string; sources: string[]; prefix: typeof PREFIX; files: string[] }> = [
  { name: 'SPEC R8: GET /events from two folders is HSF_CONFIG_DUPLICATE_ROUTE naming both files', sources: ['dup-a.functions', 'dup-b.functions'], prefix: PREFIX,
    files: ['dup-a.functions/serverless.json', 'dup-b.functions/serverless.json'] },
  { name: 'SPEC R8: a duplicate across formats (one prefix for all) is HSF_CONFIG_DUPLICATE_ROUTE', sources: ['dup-a.functions', 'dup-project'], prefix: SHARED,
    files: ['dup-a.functions/serverless.json', 'dup-project/serverless.json'] },
];

for (const t of errorCases) {
  test(t.name, () => {
    assert.throws(() => load(t.sources, 'error', t.prefix), (error: unknown) => {
      assert.ok(isFunctionsError(error));
      assert.equal(error.code, 'HSF_CONFIG_DUPLICATE_ROUTE');
      for (const file of t.files) assert.ok(error.message.includes(path.join(FIXTURES, file)), error.message);
      return true;
    });
  });
}

test('SPEC R8, R10: the same endpoint under the two default prefixes is no duplicate', () => {
  assert.equal(load(['dup-a.functions', 'dup-project'], 'error').definitions.length, 2);
});

test('SPEC R8: with last-wins the later folder takes GET; the earlier keeps POST; a warning says so', () => {
  const { definitions, warnings } = load(['dup-a.functions', 'dup-b.functions'], 'last-wins');
  assert.deepEqual(definitions.map((d) => [d.id, d.methods]), [['dup-a.functions#events', ['POST']], ['dup-b.functions#/events/', ['GET']]]);
  const warning = warnings.find((w) => w.code === 'HSF_WARN_DUPLICATE_ROUTE');
  assert.equal(warning?.functionId, 'dup-b.functions#/events/');
  assert.ok(definitions.every((d) => d.warnings.includes(warning.message)));
});

test('SPEC R8: last is the source array order, not the path order', () => {
  const { definitions } = load(['dup-b.functions', 'dup-a.functions'], 'last-wins');
  assert.deepEqual(definitions.map((d) => [d.id, d.methods]), [['dup-a.functions#events', ['GET', 'POST']]]);
});

test('SPEC R8: with last-wins an entry that loses every method is dropped', () => {
  const { definitions, warnings } = load(['dup-a.functions', 'dup-b.functions', 'dup-c.functions'], 'last-wins');
  assert.deepEqual(definitions.map((d) => [d.id, d.methods, d.order]), [['dup-b.functions#/events/', ['GET'], 1], ['dup-c.functions#events', ['POST'], 2]]);
  assert.equal(warnings.filter((w) => w.code === 'HSF_WARN_DUPLICATE_ROUTE').length, 2);
});
