// SPEC R7 (warnings): soft configuration problems are reported, with stable codes, and do not stop the mount.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDefinitions } from '../../src/config/load-definitions';
import type { FunctionsWarning } from '../../src/types';

const FIXTURES = path.resolve(__dirname, '../fixtures/config');
const PREFIX = { designManager: '/_hcms/api', projects: '/hs/serverless' };

function load(sources: string | string[]) {
  return loadDefinitions(sources, { prefix: PREFIX, duplicateRoutes: 'error', cwd: FIXTURES });
}

function find(warnings: FunctionsWarning[], code: string, jsonPath?: string): FunctionsWarning {
  const found = warnings.find((w) => w.code === code && (jsonPath === undefined || w.jsonPath === jsonPath));
  assert.ok(found, `no ${code} at ${jsonPath ?? 'any path'} in ${JSON.stringify(warnings.map((w) => [w.code, w.jsonPath]))}`);
  return found;
}

const warningsFixture = load('warnings.functions');
const warningsFile = path.join(FIXTURES, 'warnings.functions/serverless.json');

const cases: Array<{ name: string; code: string; jsonPath: string; perFunction: boolean }> = [
  { name: 'SPEC R7: an unknown top-level key warns HSF_WARN_UNKNOWN_KEY', code: 'HSF_WARN_UNKNOWN_KEY', jsonPath: 'runtme', perFunction: false },
  { name: 'SPEC R7: an unknown endpoint key warns HSF_WARN_UNKNOWN_KEY on that function', code: 'HSF_WARN_UNKNOWN_KEY', jsonPath: 'endpoints.w.metod', perFunction: true },
  { name: 'SPEC R7: a number in environment warns HSF_WARN_ENV_COERCED', code: 'HSF_WARN_ENV_COERCED', jsonPath: 'environment.COUNT', perFunction: false },
  { name: 'SPEC R7: a boolean in environment warns HSF_WARN_ENV_COERCED', code: 'HSF_WARN_ENV_COERCED', jsonPath: 'environment.DEBUG', perFunction: false },
  { name: 'SPEC R7: an AWS_* environment name warns HSF_WARN_RESERVED_ENV', code: 'HSF_WARN_RESERVED_ENV', jsonPath: 'environment.AWS_REGION', perFunction: false },
  { name: 'SPEC R7: TZ in environment warns HSF_WARN_RESERVED_ENV', code: 'HSF_WARN_RESERVED_ENV', jsonPath: 'environment.TZ', perFunction: false },
  { name: 'SPEC R7: _HANDLER in an endpoint environment warns HSF_WARN_RESERVED_ENV', code: 'HSF_WARN_RESERVED_ENV', jsonPath: 'endpoints.w.environment._HANDLER', perFunction: true },
  { name: 'SPEC R7: a LAMBDA_* secret name warns HSF_WARN_RESERVED_ENV', code: 'HSF_WARN_RESERVED_ENV', jsonPath: 'endpoints.w.secrets[0]', perFunction: true },
  { name: 'SPEC R7: a secret named like an environment variable warns HSF_WARN_SECRET_SHADOWS_ENV', code: 'HSF_WARN_SECRET_SHADOWS_ENV', jsonPath: 'endpoints.w', perFunction: true },
];

for (const t of cases) {
  test(t.name, () => {
    const warning = find(warningsFixture.warnings, t.code, t.jsonPath);
    assert.equal(warning.file, warningsFile);
    // SPEC R7: the message names the absolute file and the JSON path.
    assert.ok(warning.message.includes(warningsFile) && warning.message.includes(t.jsonPath), warning.message);
    const definition = warningsFixture.definitions[0]!;
    assert.equal(definition.warnings.includes(warning.message), t.perFunction);
    assert.equal(warning.functionId, t.perFunction ? definition.id : undefined);
  });
}

test('SPEC R7, R30: non-string environment values reach the function as strings, endpoint values win', () => {
  assert.deepEqual({ ...warningsFixture.definitions[0]!.environment }, {
    COUNT: '3', DEBUG: 'true', AWS_REGION: 'eu-west-1', TZ: 'Europe/Paris', _HANDLER: 'x',
  });
});

test('SPEC R7: a serverless.json with no functions warns HSF_WARN_NO_FUNCTIONS', () => {
  const { definitions, warnings } = load('empty-config.functions');
  assert.equal(definitions.length, 0);
  assert.equal(find(warnings, 'HSF_WARN_NO_FUNCTIONS').file, path.join(FIXTURES, 'empty-config.functions/serverless.json'));
});

test('SPEC R7: more than 50 secrets and 100 endpoints warn once each', () => {
  const { definitions, warnings } = load('limits.functions');
  assert.equal(definitions.length, 101);
  assert.equal(warnings.filter((w) => w.code === 'HSF_WARN_SECRET_LIMIT').length, 1);
  assert.equal(warnings.filter((w) => w.code === 'HSF_WARN_ENDPOINT_LIMIT').length, 1);
});

test('SPEC R7: a clean folder gives no warnings', () => {
  assert.deepEqual(load(['dm-basic.functions', 'projects-basic', 'project']).warnings, []);
});
