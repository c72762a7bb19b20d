// SPEC R4: `*-hsmeta.json` app functions (platform 2026.03+).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadDefinitions } from '../../src/config/load-definitions';
import { isFunctionsError } from '../../src/errors';

const FIXTURES = path.resolve(__dirname, '../fixtures/config');
const PREFIX = { designManager: '/_hcms/api', projects: '/hs/serverless' };

function load(sources: string | string[]) {
  return loadDefinitions(sources, { prefix: PREFIX, duplicateRoutes: 'error', cwd: FIXTURES });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(isFunctionsError(error), `expected a HubSpotFunctionsError, got ${String(error)}`);
    return error.code;
  }
  return undefined;
}

test('SPEC R4, R9, R10: an hsmeta app function with an endpoint becomes one complete definition', () => {
  const hsmeta = path.join(FIXTURES, 'project/src/app/functions/quote-hsmeta.json');
  const { definitions } = load('project');
  assert.deepEqual(definitions[0], {
    id: 'project/src/app/functions/quote-hsmeta.json#quote_fn',
    kind: 'hsmeta',
    name: 'quote_fn',
    endpoint: 'api/quote',
    methods: ['GET', 'POST'],
    path: '/hs/serverless/api/quote',
    file: path.join(FIXTURES, 'project/src/app/functions/quote.js'),
    folder: path.dirname(hsmeta),
    configFile: hsmeta,
    environment: {},
    secrets: ['API_KEY'],
    isProject: true,
    warnings: [],
    order: 0,
  });
});

const cases: Array<{ name: string; source: string; want: { path: string | null; methods: string[]; file: string } }> = [
  { name: 'SPEC R4: an hsmeta app function without endpoint is private', source: 'project/src/app/functions/worker-hsmeta.json',
    want: { path: null, methods: [], file: path.join(FIXTURES, 'project/src/app/functions/worker.js') } },
  { name: 'SPEC R4: entrypoint is relative to hsproject.json srcDir; endpoint defaults to GET', source: 'project-custom-src',
    want: { path: '/hs/serverless/fn', methods: ['GET'], file: path.join(FIXTURES, 'project-custom-src/source/app/fn.js') } },
  { name: 'SPEC R4: srcDir defaults to src; a singular `method` is still read', source: 'project-warn',
    want: { path: '/hs/serverless/legacy', methods: ['POST'], file: path.join(FIXTURES, 'project-warn/src/app/legacy.js') } },
];

for (const t of cases) {
  test(t.name, () => {
    const [definition] = load(t.source).definitions;
    assert.ok(definition);
    assert.deepEqual({ path: definition.path, methods: definition.methods, file: definition.file }, t.want);
  });
}

test('SPEC R4: other component types (cards, app) are skipped', () => {
  assert.deepEqual(load('project').definitions.map((d) => d.name), ['quote_fn', 'worker_fn']);
});

test('SPEC R4, R7: `method` instead of `methods` warns HSF_WARN_UNKNOWN_KEY on that function', () => {
  const { definitions, warnings } = load('project-warn');
  const warning = warnings.find((w) => w.code === 'HSF_WARN_UNKNOWN_KEY');
  assert.equal(warning?.jsonPath, 'config.endpoint.method');
  assert.equal(warning?.functionId, definitions[0]!.id);
});

const errorCases: Array<{ name: string; source: string; code: string }> = [
  { name: 'SPEC R4, R6: an entrypoint escaping srcDir is HSF_CONFIG_FILE_ESCAPES', source: 'project-escape', code: 'HSF_CONFIG_FILE_ESCAPES' },
  { name: 'SPEC R4, R7: an hsmeta file without uid is HSF_CONFIG_INVALID', source: 'project-no-uid', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R4, R7: a srcDir that is not a string is HSF_CONFIG_INVALID', source: 'project-bad-src', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R4: an hsmeta file with no hsproject.json above is HSF_CONFIG_INVALID', source: 'orphan-hsmeta', code: 'HSF_CONFIG_INVALID' },
];

for (const t of errorCases) {
  test(t.name, () => assert.equal(codeOf(() => load(t.source)), t.code));
}
