// SPEC R42: the ES module hook learns the registrations by message; waiting for its ack must keep
// a process that has nothing else to do alive (a script, the invoke command), and idle it must not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

test('SPEC R42: a process with nothing else to do waits for the ES module hook, then exits by itself', () => {
  const module = join(__dirname, '..', '..', 'src', 'preloaded', 'resolve-preloaded.ts');
  const script = `
    const r = require(${JSON.stringify(module)});
    r.retainPreloadedResolution({ folder: '/tmp/x.functions', file: '/tmp/x.functions/a.mjs' }, { axios: '/tmp/nowhere/axios' });
    r.syncEsmPreloadedResolution().then(() => console.log('synced'));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.error, undefined, 'exits by itself (no timeout)');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'synced\n');
});
