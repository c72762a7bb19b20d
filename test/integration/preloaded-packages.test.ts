// HubSpot's preloaded packages at run time (SPEC R42, issue #11): a function that requires one of
// them, which neither its folder nor a parent provides, gets it from the installed set, in both
// isolation modes, for CommonJS and ES modules, from the function file and from its helpers; a
// folder's own version wins; the host app's own requires never see the set. The set here is the
// registry-free stand-ins of test/helpers/preloaded-cache.ts, laid out as `install` leaves them.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createFunctionsHost, type FunctionsHost } from '../../src/index';
import type { AllOptions } from '../../src/options';
import type { FunctionsWarning } from '../../src/types';
import { PRELOADED_FIXTURES, writePreloadedCache } from '../helpers/preloaded-cache';

// Outside the repository, so that no parent node_modules can provide a package by accident.
const scratch = mkdtempSync(join(tmpdir(), 'hsf-preloaded-'));
const cache = join(scratch, 'cache');
const folder = join(scratch, 'uses-preloaded.functions');
const own = join(scratch, 'own-version.functions');

before(() => {
  cpSync(join(PRELOADED_FIXTURES, 'uses-preloaded.functions'), folder, { recursive: true });
  cpSync(join(PRELOADED_FIXTURES, 'own-version.functions'), own, { recursive: true });
  // What `install` leaves in a folder that declares its own axios.
  cpSync(join(PRELOADED_FIXTURES, 'fake-packages', 'axios-own'), join(own, 'node_modules', 'axios'), { recursive: true });
  writePreloadedCache(cache);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A fresh copy of the fixture folder: an inline host shares Node's require cache with the process,
 * where a folder that resolved a package once keeps it, so each scenario gets a folder of its own.
 */
let copies = 0;
function freshFolder(): string {
  const copy = join(scratch, `copy-${++copies}`, 'uses-preloaded.functions');
  cpSync(join(PRELOADED_FIXTURES, 'uses-preloaded.functions'), copy, { recursive: true });
  return copy;
}

async function mount(sources: string[], options: AllOptions): Promise<{ host: FunctionsHost; warnings: FunctionsWarning[] }> {
  const warnings: FunctionsWarning[] = [];
  const host = createFunctionsHost(sources, { onLog: false, onWarning: (w) => warnings.push(w), ...options });
  await host.ready;
  return { host, warnings };
}

const expected: Array<{ path: string; name: string; version: string }> = [
  { path: 'api-client', name: '@hubspot/api-client', version: '1.0.0-beta' },
  { path: 'axios', name: 'axios', version: '0.19.2' },
  { path: 'request', name: 'request', version: '2.88.2' },
  { path: 'requests', name: 'requests', version: '0.2.2' },
  { path: 'esm-axios', name: 'axios', version: '0.19.2' },
  { path: 'helper', name: 'axios', version: '0.19.2' },
];

for (const isolation of ['inline', 'worker', 'process'] as const) {
  describe(`SPEC R42 preloaded packages (${isolation})`, () => {
    let host: FunctionsHost;
    let warnings: FunctionsWarning[];
    before(async () => ({ host, warnings } = await mount([folder], { isolation, preloaded: { dir: cache } })));
    after(() => host.close());

    for (const t of expected) {
      test(`/${t.path} resolves ${t.name} from the preloaded set`, async () => {
        const { statusCode, body } = await host.invoke(`/_hcms/api/${t.path}`);
        assert.equal(statusCode, 200, JSON.stringify(body));
        assert.deepEqual(body, { name: t.name, version: t.version });
      });
    }

    test('a folder that declares its own version gets it, not the preloaded one', async () => {
      const ownHost = await mount([own], { isolation, preloaded: { dir: cache } });
      try {
        assert.deepEqual((await ownHost.host.invoke('/_hcms/api/axios')).body, { name: 'axios', version: '1.99.0' });
      } finally {
        await ownHost.host.close();
      }
    });

    test('nothing is missing, so nothing is warned', () => {
      assert.deepEqual(warnings.filter((w) => w.code === 'HSF_WARN_PACKAGE_MISSING' || w.code === 'HSF_WARN_LOAD_FAILED'), []);
    });
  });
}

test('SPEC R42: a parent folder\'s node_modules comes before the preloaded set', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'hsf-preloaded-parent-'));
  try {
    cpSync(folder, join(parent, 'app', 'x.functions'), { recursive: true });
    cpSync(join(PRELOADED_FIXTURES, 'fake-packages', 'axios-own'), join(parent, 'node_modules', 'axios'), { recursive: true });
    const { host } = await mount([join(parent, 'app', 'x.functions')], { isolation: 'inline', preloaded: { dir: cache } });
    try {
      assert.deepEqual((await host.invoke('/_hcms/api/axios')).body, { name: 'axios', version: '1.99.0' });
      assert.deepEqual((await host.invoke('/_hcms/api/request')).body, { name: 'request', version: '2.88.2' });
    } finally {
      await host.close();
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('SPEC R42: the host\'s own require() and import() never fall back to the set', async () => {
  const { host } = await mount([folder], { isolation: 'inline', preloaded: { dir: cache } });
  try {
    // The ES module function has registered the loader hook by now.
    assert.equal((await host.invoke('/_hcms/api/esm-axios')).statusCode, 200);
    const outside = join(scratch, 'host-app');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'uses-axios.js'), "module.exports = () => require('axios');\n");
    writeFileSync(join(outside, 'uses-axios.mjs'), "export default () => import('axios');\n");
    const cjs = require(join(outside, 'uses-axios.js')) as () => unknown;
    assert.throws(cjs, { code: 'MODULE_NOT_FOUND' });
    const esm = (await import(join(outside, 'uses-axios.mjs'))) as { default: () => Promise<unknown> };
    await assert.rejects(esm.default(), { code: 'ERR_MODULE_NOT_FOUND' });
  } finally {
    await host.close();
  }
});

for (const isolation of ['inline', 'worker', 'process'] as const) {
  test(`SPEC R7, R42: with the set not installed (${isolation}), one warning names the folder's packages; loading says to run install`, async () => {
    const copy = freshFolder();
    const { host, warnings } = await mount([copy], { isolation, preloaded: { dir: join(scratch, 'empty-cache') } });
    try {
      const missing = warnings.filter((w) => w.code === 'HSF_WARN_PACKAGE_MISSING');
      assert.equal(missing.length, 1, JSON.stringify(warnings));
      assert.equal(missing[0]!.file, copy);
      for (const part of ['"@hubspot/api-client" (api-client.js:2)', '"axios" (axios.js:2, esm-axios.mjs:2, lib/describe-client.js:1)', '"request" (request.js:2)', 'hubspot-functions install']) {
        assert.ok(missing[0]!.message.includes(part), `${part} in ${missing[0]!.message}`);
      }
      // The load failures it explains are not repeated one warning per function.
      assert.deepEqual(warnings.filter((w) => w.code === 'HSF_WARN_LOAD_FAILED'), []);
      const { statusCode, body } = await host.invoke('/_hcms/api/axios');
      assert.equal(statusCode, 500);
      assert.equal((body as { code: string }).code, 'HSF_FUNCTION_LOAD_FAILED');
      assert.match((body as { message: string }).message, /Cannot find module 'axios'.*preloaded packages: run `hubspot-functions install`/s);
      assert.doesNotMatch((body as { message: string }).message, /top level of the file/);
    } finally {
      await host.close();
    }
  });
}

test('SPEC R42: `preloaded: false` turns the set off; `versions` chooses another cache entry', async () => {
  const off = await mount([freshFolder()], { isolation: 'inline', preloaded: false });
  try {
    assert.equal((await off.host.invoke('/_hcms/api/axios')).statusCode, 500);
  } finally {
    await off.host.close();
  }
  const other = join(scratch, 'cache-1x');
  writePreloadedCache(other, { axios: '^1.7.0' }, { axios: join(PRELOADED_FIXTURES, 'fake-packages', 'axios-own') });
  const chosen = await mount([freshFolder()], { isolation: 'inline', preloaded: { dir: other, versions: { axios: '^1.7.0' } } });
  try {
    assert.deepEqual((await chosen.host.invoke('/_hcms/api/axios')).body, { name: 'axios', version: '1.99.0' });
    // request is not in that cache: the one warning names it, with the fix.
    assert.match(chosen.warnings.find((w) => w.code === 'HSF_WARN_PACKAGE_MISSING')!.message, /"request" \(request\.js:2\)/);
  } finally {
    await chosen.host.close();
  }
});
