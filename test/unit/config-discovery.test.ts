// SPEC R1, R8 (mount order): which folders and files a mount argument leads to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDefinitions } from '../../src/config/load-definitions';
import { isFunctionsError } from '../../src/errors';

const FIXTURES = path.resolve(__dirname, '../fixtures/config');
const PREFIX = { designManager: '/_hcms/api', projects: '/hs/serverless' };

function load(sources: string | string[], cwd = FIXTURES) {
  return loadDefinitions(sources, { prefix: PREFIX, duplicateRoutes: 'error', cwd });
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

const folderCases: Array<{ name: string; sources: string | string[]; ids: string[] }> = [
  { name: 'SPEC R1: a `.functions` folder is one functions folder', sources: 'dm-basic.functions',
    ids: ['dm-basic.functions#events', 'dm-basic.functions#events/update', 'dm-basic.functions#/multi/', 'dm-basic.functions#users/:id'] },
  { name: 'SPEC R1: a folder given directly that holds serverless.json needs no suffix', sources: 'projects-basic',
    ids: ['projects-basic#quote', 'projects-basic#private'] },
  { name: 'SPEC R1: a serverless.json given directly stands for its folder', sources: 'projects-basic/serverless.json',
    ids: ['projects-basic#quote', 'projects-basic#private'] },
  { name: 'SPEC R1: a searched folder yields its `.functions` folders in sorted order, skipping node_modules, dot-folders and unsuffixed folders',
    sources: 'search-root', ids: ['search-root/a.functions#a', 'search-root/nested/b.functions#b'] },
  { name: 'SPEC R8: source array order comes before sorted order', sources: ['search-root/nested/b.functions', 'search-root/a.functions'],
    ids: ['search-root/nested/b.functions#b', 'search-root/a.functions#a'] },
  { name: 'SPEC R1: a folder given twice is loaded once', sources: ['dup-a.functions', './dup-a.functions', path.join(FIXTURES, 'dup-a.functions')],
    ids: ['dup-a.functions#events'] },
  { name: 'SPEC R1: a folder reached directly and again by a search is loaded once', sources: ['search-root/nested/b.functions', 'search-root'],
    ids: ['search-root/nested/b.functions#b', 'search-root/a.functions#a'] },
  { name: 'SPEC R1: a project folder is searched for *-hsmeta.json files', sources: 'project',
    ids: ['project/src/app/functions/quote-hsmeta.json#quote_fn', 'project/src/app/functions/worker-hsmeta.json#worker_fn'] },
  { name: 'SPEC R1: an hsmeta file may be given directly', sources: 'project/src/app/functions/worker-hsmeta.json',
    ids: ['project/src/app/functions/worker-hsmeta.json#worker_fn'] },
];

for (const t of folderCases) {
  test(t.name, () => {
    const { definitions } = load(t.sources);
    assert.deepEqual(definitions.map((d) => d.id), t.ids);
    assert.deepEqual(definitions.map((d) => d.order), t.ids.map((_, i) => i));
  });
}

test('SPEC R1: a relative source resolves against cwd, and paths in definitions are absolute', () => {
  const { definitions } = load('search-root/a.functions', FIXTURES);
  assert.equal(definitions[0]!.folder, path.join(FIXTURES, 'search-root/a.functions'));
  assert.equal(definitions[0]!.configFile, path.join(FIXTURES, 'search-root/a.functions/serverless.json'));
  const fromElsewhere = load('config/search-root/a.functions', path.dirname(FIXTURES));
  assert.equal(fromElsewhere.definitions[0]!.id, 'config/search-root/a.functions#a');
});

test('SPEC R1: a `.functions` folder without serverless.json found by search is skipped with HSF_WARN_NO_CONFIG', () => {
  const { warnings } = load('search-root');
  const skipped = warnings.filter((w) => w.code === 'HSF_WARN_NO_CONFIG');
  assert.equal(skipped.length, 1);
  assert.equal(skipped[0]!.file, path.join(FIXTURES, 'search-root/empty.functions'));
});

const errorCases: Array<{ name: string; sources: string | string[]; code: string }> = [
  { name: 'SPEC R1: a path that does not exist is HSF_SOURCE_NOT_FOUND', sources: 'no-such-folder', code: 'HSF_SOURCE_NOT_FOUND' },
  { name: 'SPEC R1: a folder where the search finds nothing is HSF_SOURCE_NOT_FOUND', sources: 'nothing-here', code: 'HSF_SOURCE_NOT_FOUND' },
  { name: 'SPEC R1: a file that is not a config is HSF_SOURCE_NOT_FOUND', sources: 'nothing-here/README.txt', code: 'HSF_SOURCE_NOT_FOUND' },
  { name: 'SPEC R1: an empty source array is HSF_SOURCE_NOT_FOUND', sources: [], code: 'HSF_SOURCE_NOT_FOUND' },
  { name: 'SPEC R4: a project whose hsmeta files hold no app-function is HSF_SOURCE_NOT_FOUND', sources: 'project-cards-only', code: 'HSF_SOURCE_NOT_FOUND' },
  { name: 'SPEC R1: a `.functions` folder given directly without serverless.json is HSF_CONFIG_INVALID', sources: 'no-config.functions', code: 'HSF_CONFIG_INVALID' },
  { name: 'SPEC R1: a missing path later in the array still fails the mount', sources: ['dm-basic.functions', 'missing.functions'], code: 'HSF_SOURCE_NOT_FOUND' },
];

for (const t of errorCases) {
  test(t.name, () => assert.equal(codeOf(() => load(t.sources)), t.code));
}

test('SPEC R1: HSF_SOURCE_NOT_FOUND names the absolute path', () => {
  assert.throws(() => load('no-such-folder'), (error: Error) => error.message.includes(path.join(FIXTURES, 'no-such-folder')));
});

test('SPEC R1: a source that is not a string is a TypeError', () => {
  assert.throws(() => loadDefinitions([42 as unknown as string], { prefix: PREFIX, duplicateRoutes: 'error', cwd: FIXTURES }), TypeError);
});

test('SPEC R1: the search follows a symlinked folder once and survives a symlink loop', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hsf-discovery-'));
  try {
    cpSync(path.join(FIXTURES, 'search-root/a.functions'), path.join(dir, 'real/a.functions'), { recursive: true });
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'alias'), 'dir');
    symlinkSync(dir, path.join(dir, 'real/loop'), 'dir');
    const { definitions } = load(dir);
    assert.equal(definitions.length, 1);
    assert.equal(definitions[0]!.name, 'a');
    // Sorted traversal: 'alias' comes before 'real', whatever the directory listing says.
    assert.equal(definitions[0]!.folder, path.join(dir, 'alias/a.functions'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
