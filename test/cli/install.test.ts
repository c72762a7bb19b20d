// `hubspot-functions install` as a real process (issue #11), without the registry: the folders'
// dependencies are `file:` packages, HubSpot's preloaded packages are the stand-ins of
// test/helpers/preloaded-cache.ts packed with `npm pack`, and npm is pointed at a registry that
// does not exist, so anything that would download fails at once instead.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { packFakePackages, PRELOADED_FIXTURES } from '../helpers/preloaded-cache';
import { ROOT, runCli, type CliRun } from './cli-process';

const OFFLINE = { npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** Every file under `dir` with its hash, except what install may change: node_modules/ and package-lock.json beside a package.json. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.name === 'node_modules') continue;
      if (entry.isDirectory()) walk(full);
      else if (!(entry.name === 'package-lock.json' && existsSync(join(d, 'package.json')))) {
        out[relative(dir, full)] = `${createHash('sha256').update(readFileSync(full)).digest('hex')} ${statSync(full).mode.toString(8)}`;
      }
    }
  };
  walk(dir);
  return out;
}

describe('install (SPEC R42, issue #11)', () => {
  const tree = mkdtempSync(join(tmpdir(), 'hsf-install-tree-'));
  const cache = join(tree, '.preloaded-cache');
  let flags: string[];
  let first: CliRun;
  let before_: Record<string, string>;

  before(async () => {
    cpSync(join(ROOT, 'test', 'fixtures', 'cli', 'install'), join(tree, 'install'), { recursive: true });
    cpSync(join(PRELOADED_FIXTURES, 'uses-preloaded.functions'), join(tree, 'preloaded', 'uses-preloaded.functions'), { recursive: true });
    cpSync(join(PRELOADED_FIXTURES, 'own-version.functions'), join(tree, 'preloaded', 'own-version.functions'), { recursive: true });
    cpSync(join(PRELOADED_FIXTURES, 'fake-packages'), join(tree, 'preloaded', 'fake-packages'), { recursive: true });
    const specs = packFakePackages(join(tree, '.tarballs'));
    flags = ['--preloaded-dir', cache, ...Object.entries(specs).map(([name, spec]) => `--preloaded=${name}@${spec}`)];
    before_ = snapshot(tree);
    first = await runCli(['install', tree, ...flags], { timeoutMs: 180_000, env: OFFLINE });
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  test('a folder whose dependency does not exist fails with npm\'s own error and the package, the others go on, exit 1', () => {
    assert.equal(first.code, 1, first.stdout + first.stderr);
    assert.match(first.stdout, /^\S*\/install\/bad\.functions: npm install\.\.\.$/m);
    assert.match(first.stdout, /^fail {2}\S*\/install\/bad\.functions: npm install failed \(npm exited with \d+, package "no-such-dep"\)$/m);
    assert.match(first.stdout, /^ {6}npm error .*no-such-dep-1\.0\.0\.tgz/m);
    assert.match(first.stdout, /^ok {4}\S*\/install\/ok\.functions: npm install \(added 1 package\) - \d+\.\ds$/m);
    assert.match(first.stdout, /^1 of 4 folder\(s\) failed: \S*\/install\/bad\.functions/m);
  });

  test('each preloaded package a folder requires and lacks goes into the cache; a folder-declared version is installed in the folder instead', () => {
    assert.match(first.stdout, /^\S*\/preloaded\/uses-preloaded\.functions: preloaded @hubspot\/api-client@file:\S+, preloaded axios@file:\S+, preloaded request@file:\S+, preloaded requests@file:\S+\.\.\.$/m);
    assert.match(first.stdout, /^ok {4}\S*\/preloaded\/uses-preloaded\.functions: preloaded @hubspot\/api-client@\S+, preloaded axios@\S+, preloaded request@\S+, preloaded requests@\S+ - \d+\.\ds$/m);
    assert.match(first.stdout, /^ok {4}\S*\/preloaded\/own-version\.functions: npm install \(added 1 package\) - /m);
    assert.doesNotMatch(first.stdout, /own-version\.functions: .*preloaded axios/);
    assert.ok(existsSync(join(tree, 'preloaded', 'own-version.functions', 'node_modules', 'axios', 'package.json')));
  });

  test('the installed packages are what the functions require, in a worker (SPEC R42)', async () => {
    const run = await runCli(['invoke', '--json', '/_hcms/api/api-client', join(tree, 'preloaded', 'uses-preloaded.functions'), ...flags]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { body: unknown }).body, { name: '@hubspot/api-client', version: '1.0.0-beta' });
    const esm = await runCli(['invoke', '--json', '/_hcms/api/esm-axios', join(tree, 'preloaded', 'uses-preloaded.functions'), ...flags]);
    assert.deepEqual((JSON.parse(esm.stdout) as { body: unknown }).body, { name: 'axios', version: '0.19.2' });
    const own = await runCli(['invoke', '--json', '/_hcms/api/axios', join(tree, 'preloaded', 'own-version.functions'), ...flags]);
    assert.deepEqual((JSON.parse(own.stdout) as { body: unknown }).body, { name: 'axios', version: '1.99.0' });
  });

  test('the folders\' own files are byte-identical (only node_modules/ and package-lock.json change)', () => {
    const after_ = snapshot(tree);
    for (const name of Object.keys(after_)) if (name.startsWith('.preloaded-cache')) delete after_[name];
    assert.deepEqual(after_, before_);
  });

  test('a second run with nothing to do touches nothing and says so', async () => {
    rmSync(join(tree, 'install', 'bad.functions'), { recursive: true });
    const again = await runCli(['install', tree, ...flags], { timeoutMs: 60_000, env: { ...OFFLINE, PATH: '/nonexistent' } });
    // npm is not even on the PATH: nothing may have run it.
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const folder of ['install/ok.functions', 'preloaded/own-version.functions', 'preloaded/uses-preloaded.functions']) {
      assert.match(again.stdout, new RegExp(`^ok {4}\\S*/${folder.replace(/[./]/g, '\\$&')}: up to date$`, 'm'));
    }
    assert.match(again.stdout, /^nothing to do: 3 folder\(s\) already installed \(\d+\.\ds\)$/m);
  });
});
