// SPEC R2, R3, R5, R6, R7 (errors), R9, R10: serverless.json into definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDefinitions } from '../../src/config/load-definitions';
import { isFunctionsError, type HubSpotFunctionsError } from '../../src/errors';
import type { FunctionDefinition } from '../../src/definitions';

const FIXTURES = path.resolve(__dirname, '../fixtures/config');
const PREFIX = { designManager: '/_hcms/api', projects: '/hs/serverless' };

function load(sources: string | string[], prefix = PREFIX) {
  return loadDefinitions(sources, { prefix, duplicateRoutes: 'error', cwd: FIXTURES });
}

function byName(definitions: FunctionDefinition[], name: string, kind?: string): FunctionDefinition {
  const found = definitions.find((d) => d.name === name && (kind === undefined || d.kind === kind));
  assert.ok(found, `no definition named ${name}`);
  return found;
}

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(isFunctionsError(error), `expected a HubSpotFunctionsError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  }
  assert.fail('expected the mount to throw');
}

test('SPEC R2, R9, R10, R30: a design-manager endpoint becomes one complete definition', () => {
  const folder = path.join(FIXTURES, 'dm-basic.functions');
  const { definitions, warnings } = load('dm-basic.functions');
  assert.deepEqual(warnings, []);
  assert.deepEqual(byName(definitions, 'events/update'), {
    id: 'dm-basic.functions#events/update',
    kind: 'endpoint',
    name: 'events/update',
    endpoint: 'events/update',
    methods: ['POST'],
    path: '/_hcms/api/events/update',
    file: path.join(folder, 'action2.js'),
    folder,
    configFile: path.join(folder, 'serverless.json'),
    environment: { globalConfigKey: 'some-value', CONFIG_KEY: 'some-other-value' },
    secrets: ['secretName', 'googleKeyName'],
    isProject: false,
    warnings: [],
    order: 1,
  });
});

const fieldCases: Array<{ name: string; source: string; entry: string; kind?: string; want: Partial<FunctionDefinition> }> = [
  { name: 'SPEC R5: method defaults to GET', source: 'dm-basic.functions', entry: 'users/:id', want: { methods: ['GET'] } },
  { name: 'SPEC R5: methods are upper-cased and deduplicated in config order', source: 'dm-basic.functions', entry: '/multi/', want: { methods: ['GET', 'POST'] } },
  { name: 'SPEC R11, R20: leading and trailing slashes are dropped from the endpoint', source: 'dm-basic.functions', entry: '/multi/', want: { endpoint: 'multi', path: '/_hcms/api/multi' } },
  { name: 'SPEC R6: a file may sit in a subfolder', source: 'dm-basic.functions', entry: '/multi/', want: { file: path.join(FIXTURES, 'dm-basic.functions/endpoints/multi.js') } },
  { name: 'SPEC R11: `:id` stays a literal part of the path', source: 'dm-basic.functions', entry: 'users/:id', want: { path: '/_hcms/api/users/:id' } },
  { name: 'SPEC R3, R10: an appFunction endpoint is served under the projects prefix', source: 'projects-basic', entry: 'quote',
    want: { kind: 'appFunction', endpoint: 'fetch-quote', path: '/hs/serverless/fetch-quote', methods: ['GET'], secrets: ['QUOTE_KEY'], isProject: true } },
  { name: 'SPEC R3: an appFunction without endpoint is private: no path, no methods', source: 'projects-basic', entry: 'private',
    want: { kind: 'appFunction', endpoint: null, path: null, methods: [], isProject: true } },
  { name: 'SPEC R3: one file may hold endpoints and appFunctions; top-level environment reaches both', source: 'mixed.functions', entry: 'ping', kind: 'appFunction',
    want: { id: 'mixed.functions#appFunctions/ping', path: '/hs/serverless/ping', environment: { MODE: 'x' } } },
  { name: 'SPEC R9: an endpoint keeps the plain id when an appFunction shares its name', source: 'mixed.functions', entry: 'ping', kind: 'endpoint',
    want: { id: 'mixed.functions#ping', path: '/_hcms/api/ping' } },
  { name: 'SPEC R7: a missing function file is not a config error; the path is resolved for the loader', source: 'missing-file-ok.functions', entry: 'later',
    want: { file: path.join(FIXTURES, 'missing-file-ok.functions/not-written-yet.js') } },
];

for (const t of fieldCases) {
  test(t.name, () => {
    const definition = byName(load(t.source).definitions, t.entry, t.kind);
    for (const [key, value] of Object.entries(t.want)) {
      assert.deepEqual(definition[key as keyof FunctionDefinition], value, key);
    }
  });
}

test('SPEC R10: the prefix option replaces each format\'s prefix, including the root', () => {
  const { definitions } = load(['dm-basic.functions', 'projects-basic'], { designManager: '', projects: '/fn' });
  assert.equal(byName(definitions, 'events').path, '/events');
  assert.equal(byName(definitions, 'quote').path, '/fn/fetch-quote');
});

const errorCases: Array<{ name: string; folder: string; code: string; mentions?: string }> = [
  { name: 'SPEC R7: invalid JSON (trailing comma) is HSF_CONFIG_INVALID_JSON with line and column', folder: 'invalid-json', code: 'HSF_CONFIG_INVALID_JSON', mentions: 'line 4, column 3' },
  { name: 'SPEC R7: invalid JSON (bare word) is HSF_CONFIG_INVALID_JSON with line and column', folder: 'invalid-json-token', code: 'HSF_CONFIG_INVALID_JSON', mentions: 'line 3, column 23' },
  { name: 'SPEC R7: a top level that is not an object is HSF_CONFIG_INVALID', folder: 'not-object', code: 'HSF_CONFIG_INVALID', mentions: '(root)' },
  { name: 'SPEC R7: an endpoint without `file` is HSF_CONFIG_INVALID', folder: 'missing-file-key', code: 'HSF_CONFIG_INVALID', mentions: 'endpoints.a.file' },
  { name: 'SPEC R7: a `file` that is not a string is HSF_CONFIG_INVALID', folder: 'file-not-string', code: 'HSF_CONFIG_INVALID', mentions: 'endpoints.a.file' },
  { name: 'SPEC R5, R7: an unknown method is HSF_CONFIG_BAD_METHOD', folder: 'bad-method', code: 'HSF_CONFIG_BAD_METHOD', mentions: 'endpoints.a.method' },
  { name: 'SPEC R5, R7: HEAD in a method array is HSF_CONFIG_BAD_METHOD naming the index', folder: 'bad-method-in-array', code: 'HSF_CONFIG_BAD_METHOD', mentions: 'endpoints.a.method[1]' },
  { name: 'SPEC R5, R7: a method that is a number is HSF_CONFIG_INVALID', folder: 'method-wrong-type', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R5, R7: an empty method array is HSF_CONFIG_BAD_METHOD', folder: 'method-empty', code: 'HSF_CONFIG_BAD_METHOD' },
  { name: 'SPEC R7: an environment value that is an object is HSF_CONFIG_INVALID', folder: 'env-object-value', code: 'HSF_CONFIG_INVALID', mentions: 'environment.A' },
  { name: 'SPEC R7: an environment that is not an object is HSF_CONFIG_INVALID', folder: 'env-not-object', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R7: secrets that are not an array is HSF_CONFIG_INVALID', folder: 'secrets-not-array', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R7: a secret name that is not a string is HSF_CONFIG_INVALID', folder: 'secret-not-string', code: 'HSF_CONFIG_INVALID', mentions: 'endpoints.a.secrets[0]' },
  { name: 'SPEC R7: endpoints that is not an object is HSF_CONFIG_INVALID', folder: 'endpoints-not-object', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R7: an endpoint that is not an object is HSF_CONFIG_INVALID', folder: 'endpoint-not-object', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R11: an endpoint path of only slashes is HSF_CONFIG_INVALID', folder: 'empty-path', code: 'HSF_CONFIG_INVALID', mentions: 'endpoints["/"]' },
  { name: 'SPEC R2, R7: a runtime that is not a string is HSF_CONFIG_INVALID', folder: 'runtime-not-string', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R3, R7: an appFunction endpoint without path is HSF_CONFIG_INVALID', folder: 'app-endpoint-no-path', code: 'HSF_CONFIG_INVALID', mentions: 'appFunctions.x.endpoint.path' },
  { name: 'SPEC R3, R5: an appFunction endpoint with a bad method is HSF_CONFIG_BAD_METHOD', folder: 'app-bad-method', code: 'HSF_CONFIG_BAD_METHOD' },
  { name: 'SPEC R6: a `file` starting with ../ is HSF_CONFIG_FILE_ESCAPES', folder: 'escape-parent', code: 'HSF_CONFIG_FILE_ESCAPES' },
  { name: 'SPEC R6: an absolute `file` is HSF_CONFIG_FILE_ESCAPES', folder: 'escape-absolute', code: 'HSF_CONFIG_FILE_ESCAPES' },
];

for (const t of errorCases) {
  test(t.name, () => {
    const configFile = path.join(FIXTURES, 'errors', `${t.folder}.functions`, 'serverless.json');
    const error = thrown(() => load(`errors/${t.folder}.functions`));
    assert.equal(error.code, t.code);
    // SPEC R7: every message names the absolute file (and the JSON path, where one applies).
    assert.ok(error.message.includes(configFile), error.message);
    if (t.mentions !== undefined) assert.ok(error.message.includes(t.mentions), error.message);
  });
}

test('SPEC R6: a symlink inside the folder that leads outside it is HSF_CONFIG_FILE_ESCAPES', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hsf-escape-'));
  try {
    writeFileSync(path.join(dir, 'outside.js'), 'exports.main = () => 1;\n');
    mkdirSync(path.join(dir, 'x.functions/lib'), { recursive: true });
    writeFileSync(path.join(dir, 'x.functions/serverless.json'), JSON.stringify({
      endpoints: { file: { file: 'link.js' }, folder: { file: 'shared/missing.js' }, fine: { file: 'lib/inside.js' } },
    }));
    writeFileSync(path.join(dir, 'x.functions/lib/inside.js'), 'exports.main = () => 1;\n');
    symlinkSync(path.join(dir, 'outside.js'), path.join(dir, 'x.functions/link.js'));
    assert.equal(thrown(() => load(path.join(dir, 'x.functions'))).code, 'HSF_CONFIG_FILE_ESCAPES');

    // A symlinked subfolder leading outside: even a file missing there escapes.
    writeFileSync(path.join(dir, 'x.functions/serverless.json'), JSON.stringify({ endpoints: { folder: { file: 'shared/missing.js' } } }));
    symlinkSync(dir, path.join(dir, 'x.functions/shared'), 'dir');
    assert.equal(thrown(() => load(path.join(dir, 'x.functions'))).code, 'HSF_CONFIG_FILE_ESCAPES');

    // A symlink that stays inside the folder is fine.
    writeFileSync(path.join(dir, 'x.functions/serverless.json'), JSON.stringify({ endpoints: { fine: { file: 'alias.js' } } }));
    symlinkSync(path.join(dir, 'x.functions/lib/inside.js'), path.join(dir, 'x.functions/alias.js'));
    assert.equal(load(path.join(dir, 'x.functions')).definitions[0]!.file, path.join(dir, 'x.functions/alias.js'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SPEC R7: a byte-order mark before the JSON is accepted', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hsf-bom-'));
  try {
    mkdirSync(path.join(dir, 'bom.functions'));
    writeFileSync(path.join(dir, 'bom.functions/serverless.json'), '\uFEFF{"endpoints":{"a":{"file":"a.js"}}}');
    assert.equal(load(path.join(dir, 'bom.functions')).definitions[0]!.path, '/_hcms/api/a');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SPEC R7: with a collector, every invalid entry is an error and reading goes on; without one, the first throws with the same text', () => {
  const folder = path.resolve(__dirname, '../fixtures/cli/validate-all.functions');
  const errors: HubSpotFunctionsError[] = [];
  const { definitions } = loadDefinitions(folder, { prefix: PREFIX, duplicateRoutes: 'error', cwd: FIXTURES, errors });
  assert.deepEqual(errors.map((e) => e.code), ['HSF_CONFIG_BAD_METHOD', 'HSF_CONFIG_FILE_ESCAPES']);
  assert.match(errors[0]!.message, /serverless\.json: endpoints\["bad-method"\]\.method is "GOT"/);
  assert.match(errors[1]!.message, /serverless\.json: endpoints\.escapes\.file is "\.\.\/outside\.js"/);
  // The valid entries still become definitions.
  assert.deepEqual(definitions.map((d) => d.name), ['missing', 'empty', 'needs-package', 'ok']);
  assert.deepEqual(thrown(() => load(folder)), { code: errors[0]!.code, message: errors[0]!.message });
});

test('SPEC R7, R8: with a collector, every duplicate route is an error', () => {
  const errors: HubSpotFunctionsError[] = [];
  loadDefinitions(['dup-a.functions', 'dup-b.functions', 'dup-c.functions'], { prefix: PREFIX, duplicateRoutes: 'error', cwd: FIXTURES, errors });
  assert.ok(errors.length >= 2, JSON.stringify(errors));
  assert.ok(errors.every((e) => e.code === 'HSF_CONFIG_DUPLICATE_ROUTE'));
});
