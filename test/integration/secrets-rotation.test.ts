// Secret rotation (issue #3, SPEC R32): secrets are re-read every secretsRefreshMs; when a value
// changes, the function gets a fresh instance, so a top-level `const { KEY } = process.env`
// sees the new value. A declared secret with no value is named in a warning.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFunctionsHost } from '../../src/index';
import { fixture, quiet } from '../helpers/frameworks';

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const isolation of ['inline', 'worker', 'process'] as const) {
  describe(`secret rotation (${isolation})`, () => {
    test('a rotated secret reaches a function that read it at load', async () => {
      let current = 'token-value-AAAA';
      const host = createFunctionsHost(fixture('rotation.functions'), quiet({
        isolation,
        secretsRefreshMs: 100,
        secrets: async (name) => (name === 'ROTATING_TOKEN' ? current : undefined),
      }).options);
      try {
        await host.ready;
        const before = await host.invoke('/_hcms/api/token');
        assert.deepEqual(before.body, { loadedWith: 'AAAA' });
        current = 'token-value-BBBB';
        const after = await waitFor(() => host.invoke('/_hcms/api/token'), (r) => (r.body as { loadedWith: string }).loadedWith === 'BBBB');
        assert.deepEqual(after.body, { loadedWith: 'BBBB' });
        assert.equal(after.statusCode, 200);
      } finally {
        await host.close();
      }
    });

    test('SPEC R32: a declared secret with no value is named in a warning once ready settles', async () => {
      const q = quiet({ isolation, secrets: {} });
      const host = createFunctionsHost(fixture('rotation.functions'), q.options);
      try {
        await host.ready;
        const missing = q.warnings.filter((w) => w.code === 'HSF_WARN_SECRET_MISSING');
        assert.equal(missing.length, 1);
        assert.match(missing[0]!.message, /ROTATING_TOKEN/);
        // It names the provider in use: here the `secrets` option, an object.
        assert.match(missing[0]!.message, /`secrets` option \(an object\) has no ROTATING_TOKEN/);
        assert.deepEqual((await host.invoke('/_hcms/api/token')).body, { loadedWith: null });
      } finally {
        await host.close();
      }
    });
  });
}
