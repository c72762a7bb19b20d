// validate and doctor on folders migrated from HubSpot (issue #11), as a real process: every
// problem in one run, and advice that agrees with install and the runtime (SPEC R7, R42).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writePreloadedCache } from '../helpers/preloaded-cache';
import { ROOT, runCli } from './cli-process';

const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', name);

describe('validate', () => {
  test('SPEC R7, R42 (issue #11): one run reports every problem: a bad method, an escaping file, a missing and an empty file, a package that will not resolve', async () => {
    const folder = fixture('cli/validate-all.functions');
    const text = await runCli(['validate', folder]);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^error {2}\S+\/validate-all\.functions\/serverless\.json: endpoints\["bad-method"\]\.method is "GOT".*\[HSF_CONFIG_BAD_METHOD\]$/m);
    assert.match(text.stdout, /^error {2}\S+\/validate-all\.functions\/serverless\.json: endpoints\.escapes\.file is "\.\.\/outside\.js".*\[HSF_CONFIG_FILE_ESCAPES\]$/m);
    assert.match(text.stdout, /^invalid: 4 function\(s\), 5 error\(s\)/m);
    const run = await runCli(['validate', '--json', folder]);
    const report = JSON.parse(run.stdout) as { errors: Array<{ code: string; file?: string; line?: number }>; functions: Array<{ name: string; ok: boolean }> };
    assert.deepEqual(report.errors.map((e) => e.code), ['HSF_CONFIG_BAD_METHOD', 'HSF_CONFIG_FILE_ESCAPES', 'HSF_FUNCTION_LOAD_FAILED', 'HSF_FUNCTION_LOAD_FAILED', 'HSF_PACKAGE_MISSING']);
    const pkg = report.errors[4]!;
    assert.equal(pkg.line, 2);
    assert.ok(pkg.file?.endsWith('needs-package.js'));
    assert.deepEqual(report.functions.map((f) => [f.name, f.ok]), [['missing', false], ['empty', false], ['needs-package', false], ['ok', true]]);
  });

});

describe('doctor', () => {
  test('SPEC R25, R27, R29, R32, R41, R42: migration advice names each habit with its line, exit 1 when something fails here', async () => {
    const run = await runCli(['doctor', '--json', fixture('cli/doctor.functions')], { env: { DOCTOR_MISSING_SECRET: undefined } });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { folders: Array<{ advice: Array<{ code: string; level: string; file: string; line?: number; message: string }> }> };
    const advice = report.folders[0]!.advice;
    const byCode = (code: string, file = 'migrate.js') => advice.filter((a) => a.code === code && a.file.endsWith(file));
    assert.equal(byCode('preloaded-not-installed')[0]!.line, 2);
    assert.match(byCode('preloaded-not-installed')[0]!.message, /"axios", one of HubSpot's preloaded packages.*hubspot-functions install/);
    assert.equal(byCode('preloaded-not-installed', 'legacy.js')[0]!.line, 2);
    assert.match(byCode('undeclared-package')[0]!.message, /"lodash"/);
    assert.match(byCode('not-installed')[0]!.message, /"declared-but-missing"/);
    assert.equal(byCode('title-case-header')[0]!.line, 8);
    assert.equal(byCode('context-secrets')[0]!.line, 9);
    assert.equal(byCode('hubspot-host')[0]!.line, 10);
    assert.match(byCode('secret-missing', 'serverless.json')[0]!.message, /DOCTOR_MISSING_SECRET.*hubspot-functions secrets add DOCTOR_MISSING_SECRET/);
    // HubSpot's own template (`async (context, sendResponse)` calling it once) is not flagged.
    assert.deepEqual(byCode('callback-and-async'), []);
    // legacy.js: an API key option and a hapikey= query, a context.contact read, both answer styles.
    assert.deepEqual(byCode('hubspot-api-key', 'legacy.js').map((a) => [a.level, a.line]), [['error', 3], ['error', 6]]);
    assert.match(byCode('hubspot-api-key', 'legacy.js')[0]!.message, /retired API keys.*401.*private app/);
    assert.deepEqual(byCode('context-contact', 'legacy.js').map((a) => a.line), [5]);
    assert.match(byCode('context-contact', 'legacy.js')[0]!.message, /null until you configure the `contact` option/);
    assert.deepEqual(byCode('callback-and-async', 'legacy.js').map((a) => a.line), [5]);
    assert.match(byCode('callback-and-async', 'legacy.js')[0]!.message, /returns a value and also calls sendResponse/);
    assert.deepEqual(byCode('callback-and-async', 'returns-only.js'), []);
    assert.match(byCode('callback-and-async', 'never-answers.js')[0]!.message, /never calls it/);
    // node:path is a built-in: never reported.
    assert.ok(!advice.some((a) => a.message.includes('"node:path"') || a.message.includes('"path"')));
  });

  test('SPEC R42: doctor agrees with install and the runtime: a preloaded package the set provides is not reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsf-doctor-preloaded-'));
    try {
      writePreloadedCache(dir);
      const run = await runCli(['doctor', '--json', fixture('cli/doctor.functions'), '--preloaded-dir', dir], { env: { DOCTOR_MISSING_SECRET: 'set' } });
      const advice = (JSON.parse(run.stdout) as { folders: Array<{ advice: Array<{ code: string }> }> }).folders[0]!.advice;
      assert.ok(!advice.some((a) => a.code === 'preloaded-not-installed'), JSON.stringify(advice));
      assert.ok(advice.some((a) => a.code === 'undeclared-package'), 'lodash is still missing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SPEC R32: a secret that has a value in the environment is not reported', async () => {
    const run = await runCli(['doctor', '--json', fixture('cli/doctor.functions')], { env: { DOCTOR_MISSING_SECRET: 'present-value' } });
    const advice = (JSON.parse(run.stdout) as { folders: Array<{ advice: Array<{ code: string }> }> }).folders[0]!.advice;
    assert.ok(!advice.some((a) => a.code === 'secret-missing'));
  });

  test('issue #6: a folder with nothing to change exits 0', async () => {
    const run = await runCli(['doctor', 'examples/design-manager']);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /nothing to change/);
  });
});

