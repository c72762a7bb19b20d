import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFunctionModule } from '../../src/invoke/load-function-module';
import type { ServerlessFunction } from '../../src/types';

const fixtures = join(__dirname, '..', 'fixtures', 'invoke');
const call = async (main: ServerlessFunction) => (await main({} as never, () => undefined)) as { body?: unknown } | undefined;

const loads: Array<{ name: string; file: string; want: unknown }> = [
  { name: 'SPEC R40: CommonJS exports.main', file: 'cjs/exports-main.js', want: 'exports.main' },
  { name: 'SPEC R40: ES module by the .mjs extension', file: 'esm/handler.mjs', want: { kind: 'mjs', count: 1 } },
  { name: 'SPEC R40: ES module by the nearest package.json "type": "module"', file: 'type-module/handler.js', want: { kind: 'type-module' } },
  { name: 'SPEC R40: ES module syntax in a .js file without "type": "module"', file: 'esm/esm-syntax.js', want: { kind: 'detected', count: 1 } },
  { name: 'SPEC R42: a relative require resolves from the function\'s folder', file: 'cjs/require-relative.js', want: 'hello cjs' },
];

for (const t of loads) {
  test(t.name, async () => {
    const main = await loadFunctionModule(join(fixtures, t.file), 'test');
    assert.deepStrictEqual((await call(main))?.body, t.want);
  });
}

test('SPEC R40: CommonJS module.exports = { main } (callback style)', async () => {
  const main = await loadFunctionModule(join(fixtures, 'cjs/module-exports.js'), 'test');
  const sent: unknown[] = [];
  main({} as never, (response) => sent.push(response));
  assert.deepStrictEqual(sent, [{ statusCode: 200, body: 'module.exports' }]);
});

// esm/esm-syntax.js is left out here: under tsx (our test runner) an import of a `.js` file in a
// CommonJS package is turned into a require() and shares one instance; plain Node keeps them apart.
for (const file of ['cjs/counter.js', 'esm/handler.mjs']) {
  test(`SPEC R9 R43: ${file}: each instanceKey has its own module state, kept between calls`, async () => {
    const a = await loadFunctionModule(join(fixtures, file), 'entry-a');
    const b = await loadFunctionModule(join(fixtures, file), 'entry-b');
    const count = async (main: ServerlessFunction) => ((await call(main))?.body as { count: number }).count;
    assert.equal(await count(a), 1);
    assert.equal(await count(a), 2);
    assert.equal(await count(b), 1);
    assert.equal(await count(a), 3);
  });
}

test('SPEC R9: a CommonJS function is not put in the shared require cache', async () => {
  const file = join(fixtures, 'cjs/counter.js');
  await loadFunctionModule(file, 'cache-check');
  assert.equal(require.cache[file], undefined);
});

test('SPEC R42: require() finds the function folder\'s own node_modules, then its parents\'', async () => {
  // Built in a temp folder: the repo's .gitignore drops every node_modules folder.
  const root = mkdtempSync(join(tmpdir(), 'hsf-load-'));
  try {
    mkdirSync(join(root, 'node_modules', 'tiny-dep'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'tiny-dep', 'package.json'), '{ "name": "tiny-dep", "main": "index.js" }');
    writeFileSync(join(root, 'node_modules', 'tiny-dep', 'index.js'), 'exports.shout = (s) => s.toUpperCase();');
    // a.functions has its own copy, which wins over the parent's (also for a file in a subfolder).
    mkdirSync(join(root, 'a.functions', 'endpoints'), { recursive: true });
    mkdirSync(join(root, 'a.functions', 'node_modules', 'tiny-dep'), { recursive: true });
    writeFileSync(join(root, 'a.functions', 'node_modules', 'tiny-dep', 'index.js'), "exports.shout = (s) => 'local ' + s;");
    writeFileSync(join(root, 'a.functions', 'own.js'), "exports.main = async () => ({ body: require('tiny-dep').shout('own') });");
    writeFileSync(join(root, 'a.functions', 'endpoints', 'nested.js'), "exports.main = async () => ({ body: require('tiny-dep').shout('nested') });");
    // b.functions has none: the parent folder's node_modules serves it.
    mkdirSync(join(root, 'b.functions', 'endpoints'), { recursive: true });
    writeFileSync(join(root, 'b.functions', 'endpoints', 'parent.js'), "exports.main = async () => ({ body: require('tiny-dep').shout('parent') });");

    const own = await loadFunctionModule(join(root, 'a.functions', 'own.js'), 'own');
    assert.equal((await call(own))?.body, 'local own');
    const nested = await loadFunctionModule(join(root, 'a.functions', 'endpoints', 'nested.js'), 'nested');
    assert.equal((await call(nested))?.body, 'local nested');
    const parent = await loadFunctionModule(join(root, 'b.functions', 'endpoints', 'parent.js'), 'parent');
    assert.equal((await call(parent))?.body, 'PARENT');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const failures: Array<{ name: string; file: string; hasCause: boolean }> = [
  { name: 'a missing file', file: 'broken/does-not-exist.js', hasCause: true },
  { name: 'a folder instead of a file', file: 'broken', hasCause: true },
  { name: 'an empty file', file: 'broken/empty.js', hasCause: false },
  { name: 'no function named main', file: 'broken/no-main.js', hasCause: false },
  { name: 'a throw at load (CommonJS)', file: 'broken/throws-at-load.js', hasCause: true },
  { name: 'a throw at load (ES module)', file: 'broken/throws-at-load.mjs', hasCause: true },
  { name: 'a syntax error', file: 'broken/syntax-error.js', hasCause: true },
];

for (const t of failures) {
  test(`SPEC R7: ${t.name} is HSF_FUNCTION_LOAD_FAILED naming the file`, async () => {
    const file = join(fixtures, t.file);
    await assert.rejects(loadFunctionModule(file, 'broken'), (error: Error & { code?: string; cause?: unknown }) => {
      assert.equal(error.code, 'HSF_FUNCTION_LOAD_FAILED');
      assert.ok(error.message.includes(file), error.message);
      assert.equal(error.cause !== undefined, t.hasCause);
      return true;
    });
  });
}

test('SPEC R7: an ES module that failed to load loads again (no cached failure)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hsf-load-'));
  try {
    const file = join(root, 'fn.mjs');
    writeFileSync(file, "throw new Error('not yet');");
    await assert.rejects(loadFunctionModule(file, 'same'), { code: 'HSF_FUNCTION_LOAD_FAILED' });
    writeFileSync(file, "export const main = () => 'fixed';");
    assert.equal((await loadFunctionModule(file, 'same'))({} as never, () => undefined), 'fixed');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const missing: Array<{ name: string; source: string; want: RegExp; not?: RegExp }> = [
  { name: 'SPEC R42: a missing preloaded package names `hubspot-functions install`', source: "const a = require('axios');\nexports.main = () => a;", want: /Cannot find module 'axios'\. "axios" is one of HubSpot's preloaded packages: run `hubspot-functions install`/ },
  { name: 'SPEC R42: a missing undeclared package says to declare it and run install', source: "require('hsf-not-a-package/sub');\nexports.main = () => 1;", want: /The package "hsf-not-a-package" is not installed: declare it in the folder's package\.json \("dependencies"\) and run `hubspot-functions install`/ },
  { name: 'SPEC R7: a missing relative file says to fix the path', source: "require('./lib/nope');\nexports.main = () => 1;", want: /The file it requires, "\.\/lib\/nope", does not exist: fix the path/ },
];
for (const t of missing) {
  test(t.name, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsf-missing-'));
    try {
      writeFileSync(join(dir, 'fn.js'), t.source);
      await assert.rejects(loadFunctionModule(join(dir, 'fn.js'), 'test'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'HSF_FUNCTION_LOAD_FAILED');
        assert.match(error.message, t.want);
        assert.doesNotMatch(error.message, /top level of the file|Require stack/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
