// Where a folder's required packages resolve (SPEC R42), as install, validate, doctor and the
// mount-time warning all judge it: the folder, its parents, the preloaded set, else nowhere.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { describeMissingPackages, findPackageUses } from '../../src/analysis/check-packages';
import { normalizePreloaded } from '../../src/options';
import { writePreloadedCache } from '../helpers/preloaded-cache';

const root = mkdtempSync(join(tmpdir(), 'hsf-check-packages-'));
after(() => rmSync(root, { recursive: true, force: true }));
const write = (file: string, text: string): string => {
  const path = join(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
};

const folder = join(root, 'app', 'x.functions');
write('app/node_modules/from-parent/package.json', '{}');
write('app/x.functions/node_modules/from-folder/package.json', '{}');
write('app/x.functions/package.json', '{ "dependencies": { "declared-only": "^1.0.0" } }');
const fn = write('app/x.functions/fn.js', [
  "const a = require('from-folder');",
  "const b = require('from-parent/sub/path');",
  "const c = require('axios');",
  "const d = require('declared-only');",
  "// require('in-a-comment') is no require",
  "const e = require('./lib/helper');",
  "const f = require('node:fs'), g = require('path');",
  'exports.main = () => [a, b, c, d, e, f, g];',
].join('\n'));
write('app/x.functions/lib/helper.js', "module.exports = require('request');\n");
write('outside/elsewhere.js', "require('never-followed');\n");
const cache = join(root, 'cache');
writePreloadedCache(cache, { axios: '^0.19.2' });
const preloaded = normalizePreloaded({ dir: cache })!;

test('SPEC R42: the folder, then its parents, then the preloaded set; helpers are followed, built-ins and comments are not packages', () => {
  const uses = findPackageUses([fn], [folder], preloaded);
  assert.deepEqual(uses.map((u) => [u.name, u.resolvedFrom, u.line]), [
    ['from-folder', 'folder', 1],
    ['from-parent', 'folder', 2],
    ['axios', 'preloaded', 3],
    ['declared-only', null, 4],
    ['request', null, 1],
  ]);
  const request = uses.find((u) => u.name === 'request')!;
  assert.equal(request.file, join(folder, 'lib', 'helper.js'));
  assert.equal(request.preloaded, true, 'a preloaded package the set does not hold yet');
  assert.equal(uses.find((u) => u.name === 'declared-only')!.declaredIn, join(folder, 'package.json'));
});

test('SPEC R42: without the preloaded set, a preloaded name is a package like any other', () => {
  const uses = findPackageUses([fn], [folder], null);
  assert.deepEqual(uses.filter((u) => u.resolvedFrom === null).map((u) => [u.name, u.preloaded]), [['axios', false], ['declared-only', false], ['request', false]]);
});

test('SPEC R7: one message per folder names each package with its files and lines, and the command', () => {
  const missing = findPackageUses([fn], [folder], preloaded).filter((u) => u.resolvedFrom === null);
  const message = describeMissingPackages(folder, missing, join(root, 'app'));
  assert.equal(message, `${folder}: function files require packages that will not resolve: "declared-only" (fn.js:4), "request" (lib/helper.js:1). ` +
    'Run `hubspot-functions install x.functions` (it provides HubSpot\'s preloaded request).');
});
