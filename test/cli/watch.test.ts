// `serve --watch` (issue #6): an edit is served without a restart, a call in flight finishes on
// the version it started with, only the changed function gets a fresh instance (SPEC R43: the
// others keep their module state), and a broken serverless.json keeps the previous version.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, startServe } from './cli-process';

for (const isolation of ['inline', 'worker', 'process'] as const) {
  test(`SPEC R7, R43, R44, issue #6: --watch (${isolation}) reloads only the edited function, after the call in flight finished on the old one`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsf-watch-'));
    const folder = join(dir, 'watch.functions');
    cpSync(join(ROOT, 'test', 'fixtures', 'cli', 'watch.functions'), folder, { recursive: true });
    const server = await startServe([folder, '--watch', '--isolation', isolation]);
    try {
      assert.match(server.output(), /watching for changes/);
      const get = async (path: string): Promise<unknown> => {
        const res = await fetch(`${server.url}/_hcms/api/${path}`);
        assert.equal(res.status, 200);
        return res.json();
      };
      assert.deepEqual(await get('other'), { calls: 1 });

      // A slow call starts on version 1; the file changes while it runs.
      const inFlight = get('version?ms=1500');
      await new Promise((r) => setTimeout(r, 200));
      const file = join(folder, 'version.js');
      writeFileSync(file, readFileSync(file, 'utf8').replace('const VERSION = 1;', 'const VERSION = 2;'));
      await server.waitFor(/\[watch\] reloaded version \(\d+ ms\)/);
      assert.deepEqual(await get('version'), { version: 2 });
      assert.deepEqual(await inFlight, { version: 1 });
      // `other` kept its instance: its module state survived the reload.
      assert.deepEqual(await get('other'), { calls: 2 });

      // A broken serverless.json changes nothing: the previous version keeps serving.
      const config = join(folder, 'serverless.json');
      const good = readFileSync(config, 'utf8');
      writeFileSync(config, '{ "endpoints": ');
      await server.waitFor(/\[watch\] reload failed, the previous version keeps serving: .*serverless\.json: invalid JSON/);
      assert.deepEqual(await get('version'), { version: 2 });

      // Fixed, with a new endpoint: it is added without touching the others.
      writeFileSync(config, good.replace('"other": {', '"added": { "method": "GET", "file": "other.js" },\n    "other": {'));
      await server.waitFor(/\[watch\] added added \(\d+ ms\)/);
      assert.deepEqual(await get('added'), { calls: 1 });
      assert.deepEqual(await get('other'), { calls: 3 });
      assert.equal((server.output().match(/\[watch\]/g) ?? []).length, 3, 'one line per reload');
    } finally {
      assert.equal(await server.stop(), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
