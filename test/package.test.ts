// The published package: pack the tarball, install it into a scratch app beside express and
// koa, and run the README example with `require` and with `import`; every exports entry is
// imported by name both ways (STYLE: "Tests").
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let scratch: string;
let installOutput = '';

function run(file: string): string {
  return execFileSync(process.execPath, [file], { cwd: scratch, encoding: 'utf8', timeout: 30_000 });
}

const expected: Record<string, string[]> = {
  'hubspot-functions': ['createFunctionsHost', 'createRequestListener', 'HubSpotFunctionsError', 'ERROR_CODES', 'normalizeOptions', 'formatRouteTable'],
  'hubspot-functions/express': ['hubspotFunctions'],
  'hubspot-functions/koa': ['hubspotFunctions'],
  'hubspot-functions/testing': ['createTestApp'],
};

describe('the packed package (issue #2)', () => {
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'hsf-package-'));
    const packed = execFileSync(npm, ['pack', '--silent', '--ignore-scripts', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true }));
    // Peers at the versions this repo installed, from npm's cache when it has them.
    const version = (name: string): string => require(join(root, 'node_modules', name, 'package.json')).version;
    // --foreground-scripts: a lifecycle script of ours would print here (issue #16: none may run).
    const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', '--foreground-scripts', join(scratch, packed),
      `express@${version('express')}`, `koa@${version('koa')}`], { cwd: scratch, encoding: 'utf8', timeout: 180_000 });
    assert.equal(result.status, 0, result.stderr);
    installOutput = `${result.stdout}${result.stderr}`;
    cpSync(join(root, 'test', 'fixtures', 'basic.functions'), join(scratch, 'src', 'app.functions'), { recursive: true });
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('issue #16: installing the tarball runs no lifecycle script of ours and prints no warning about us', () => {
    const installed = JSON.parse(readFileSync(join(scratch, 'node_modules', 'hubspot-functions', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      assert.equal(installed.scripts?.[hook], undefined, `the package has no ${hook} script`);
    }
    assert.doesNotMatch(installOutput, /hubspot-functions/i, `npm said nothing about us:\n${installOutput}`);
    assert.ok(existsSync(join(scratch, 'node_modules', 'hubspot-functions', 'dist', 'src', 'index.js')), 'the tarball ships dist/');
    assert.ok(existsSync(join(scratch, 'node_modules', 'hubspot-functions', 'docs', 'behaviour.md')), 'the README\'s docs/ links resolve in the package');
  });

  test('every exports entry by name with require and with import', () => {
    const checks = Object.entries(expected).map(([entry, names]) => [entry, names] as const);
    writeFileSync(join(scratch, 'names.cjs'), `
      const want = ${JSON.stringify(Object.fromEntries(checks))};
      for (const [entry, names] of Object.entries(want)) {
        const m = require(entry);
        for (const n of names) if (typeof m[n] === 'undefined') throw new Error('require: ' + entry + ' lacks ' + n);
      }
      console.log('require ok');`);
    writeFileSync(join(scratch, 'names.mjs'), [
      ...checks.map(([entry, names], i) =>
        `import { ${names.map((n) => `${n} as m${i}_${n}`).join(', ')} } from '${entry}';\n` +
        `const m${i} = { ${names.map((n) => `${n}: m${i}_${n}`).join(', ')} };`),
      `for (const m of [${checks.map((_, i) => `m${i}`).join(', ')}]) for (const [k, v] of Object.entries(m)) if (v === undefined) throw new Error('import lacks ' + k);`,
      `console.log('import ok');`,
    ].join('\n'));
    assert.equal(run('names.cjs').trim(), 'require ok');
    assert.equal(run('names.mjs').trim(), 'import ok');
  });

  test('import and require share one module instance (HubSpotFunctionsError)', () => {
    writeFileSync(join(scratch, 'same.mjs'), `
      import { createRequire } from 'node:module';
      import { HubSpotFunctionsError } from 'hubspot-functions';
      const require = createRequire(import.meta.url);
      console.log(require('hubspot-functions').HubSpotFunctionsError === HubSpotFunctionsError ? 'same' : 'different');`);
    assert.equal(run('same.mjs').trim(), 'same');
  });

  for (const style of ['require', 'import'] as const) {
    test(`the README example runs with ${style}`, () => {
      const file = style === 'require' ? 'readme.cjs' : 'readme.mjs';
      const head = style === 'require'
        ? `const express = require('express');\nconst { hubspotFunctions } = require('hubspot-functions/express');`
        : `import express from 'express';\nimport { hubspotFunctions } from 'hubspot-functions/express';`;
      writeFileSync(join(scratch, file), `${head}
        const app = express();
        const functions = hubspotFunctions('./src/app.functions', { onLog: false });
        app.use(functions);
        const server = app.listen(0, '127.0.0.1', async () => {
          const res = await fetch('http://127.0.0.1:' + server.address().port + '/_hcms/api/hello');
          console.log(res.status, JSON.stringify(await res.json()));
          server.close();
          await functions.close();
        });`);
      assert.equal(run(file).trim(), '200 {"message":"hello"}');
    });
  }

  test('koa entry with import', () => {
    writeFileSync(join(scratch, 'koa.mjs'), `
      import Koa from 'koa';
      import { hubspotFunctions } from 'hubspot-functions/koa';
      const functions = hubspotFunctions('./src', { onLog: false });
      const server = new Koa().use(functions).listen(0, '127.0.0.1', async () => {
        const res = await fetch('http://127.0.0.1:' + server.address().port + '/_hcms/api/hello');
        console.log(res.status);
        server.close();
        await functions.close();
      });`);
    assert.equal(run('koa.mjs').trim(), '200');
  });
});
