// The CLI's one-shot commands, run as a real process: validate, doctor, install, invoke, and the
// built bin/ shim. Exit codes: 0 ok, 1 a reported failure, 2 usage or configuration errors.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, runCli } from './cli-process';

const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', name);

describe('validate', () => {
  test('SPEC R7: valid folders exit 0 and list every function', async () => {
    const run = await runCli(['validate', 'examples/design-manager', 'examples/project']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /ok\s+\/_hcms\/api\/greet\s+GET/);
    assert.match(run.stdout, /\(private\) crm-card/);
    assert.match(run.stdout, /^valid: 5 function\(s\), 0 error\(s\)/m);
  });

  test('SPEC R7: every folder\'s config error is reported with its file and JSON path, exit 1', async () => {
    const run = await runCli(['validate', '--json', fixture('config/errors')]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { ok: boolean; errors: Array<{ code: string; message: string }> };
    assert.equal(report.ok, false);
    const codes = new Set(report.errors.map((e) => e.code));
    for (const code of ['HSF_CONFIG_BAD_METHOD', 'HSF_CONFIG_INVALID', 'HSF_CONFIG_INVALID_JSON', 'HSF_CONFIG_FILE_ESCAPES']) assert.ok(codes.has(code), code);
    // One error per broken folder: a broken folder does not hide the next one.
    assert.ok(report.errors.length >= 20, String(report.errors.length));
    const badMethod = report.errors.find((e) => e.message.includes('/bad-method.functions/'))!;
    assert.match(badMethod.message, /serverless\.json: endpoints\.a\.method is "GOT"/);
  });

  test('SPEC R7: a function file that does not exist is an error, found without running any function', async () => {
    const run = await runCli(['validate', '--json', fixture('broken.functions')]);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as { errors: Array<{ code: string; file?: string }>; warnings: Array<{ code: string; file?: string }>; functions: Array<{ name: string; ok: boolean }> };
    assert.deepEqual(report.errors.map((e) => [e.code, e.file?.endsWith('missing.js')]), [['HSF_FUNCTION_LOAD_FAILED', true]]);
    assert.ok(report.warnings.some((w) => w.code === 'HSF_WARN_NO_MAIN' && w.file?.endsWith('no-main.js')));
    assert.deepEqual(report.functions.filter((f) => !f.ok).map((f) => f.name), ['missing']);
  });

  test('SPEC R8: duplicate routes across folders are an error', async () => {
    const run = await runCli(['validate', '--json', fixture('config/dup-a.functions'), fixture('config/dup-b.functions')]);
    assert.equal(run.code, 1);
    assert.ok((JSON.parse(run.stdout) as { errors: Array<{ code: string }> }).errors.some((e) => e.code === 'HSF_CONFIG_DUPLICATE_ROUTE'));
  });

  test('SPEC R1: a path that does not exist exits 1 with HSF_SOURCE_NOT_FOUND', async () => {
    const run = await runCli(['validate', '--json', 'no/such/folder']);
    assert.equal(run.code, 1);
    assert.equal((JSON.parse(run.stdout) as { errors: Array<{ code: string }> }).errors[0]!.code, 'HSF_SOURCE_NOT_FOUND');
  });
});

describe('invoke', () => {
  const basic = fixture('basic.functions');
  const cases: Array<{ name: string; args: string[]; code: number; input?: string; check?: (out: { stdout: string; stderr: string }) => void }> = [
    { name: 'SPEC R50: a 200 exits 0 and prints the response', args: ['/_hcms/api/hello', basic], code: 0, check: ({ stdout }) => assert.match(stdout, /^HTTP 200\n/) },
    { name: 'SPEC R46: a thrown error (500) exits 1', args: ['/_hcms/api/throws', basic], code: 1, check: ({ stderr }) => assert.match(stderr, / - UNHANDLED_ERROR - GET \/throws - /) },
    { name: 'SPEC R60: a handled 500 exits 1', args: ['/_hcms/api/handled-500', basic], code: 1 },
    { name: 'SPEC R45: a timeout (504) exits 1', args: ['/_hcms/api/slow?ms=never', basic, '--timeout', '200'], code: 1, check: ({ stdout }) => assert.match(stdout, /HTTP 504/) },
    { name: 'SPEC R13: a method the endpoint does not take is a 405, exit 0', args: ['/_hcms/api/hello', basic, '--method', 'DELETE'], code: 0, check: ({ stdout }) => assert.match(stdout, /HTTP 405/) },
    { name: 'SPEC R40: an unknown target is a usage error, exit 2', args: ['no-such-function', basic], code: 2, check: ({ stderr }) => assert.match(stderr, /HSF_INVOKE_NOT_FOUND/) },
    { name: 'SPEC R7: a configuration error exits 2', args: ['/x', fixture('config/errors/bad-method.functions')], code: 2, check: ({ stderr }) => assert.match(stderr, /HSF_CONFIG_BAD_METHOD/) },
    { name: 'issue #6: --data that is not JSON is a usage error, exit 2', args: ['/_hcms/api/context', basic, '--method', 'POST', '--data', '{nope'], code: 2 },
    { name: 'issue #6: an unknown flag is a usage error, exit 2', args: ['/_hcms/api/hello', basic, '--nope'], code: 2 },
    { name: 'issue #6: no target is a usage error, exit 2', args: [], code: 2 },
  ];
  for (const t of cases) {
    test(t.name, async () => {
      const run = await runCli(['invoke', ...t.args], { input: t.input });
      assert.equal(run.code, t.code, run.stdout + run.stderr);
      t.check?.(run);
    });
  }

  test('SPEC R21, R23, R25: --query, --data and --header reach the context; --json prints response and record', async () => {
    const run = await runCli(['invoke', '--json', '/_hcms/api/context', basic, '-X', 'POST', '--query', 'a=1&a=2', '--data', '{"x":[1,2]}', '-H', 'X-Custom: yes', '-H', 'x-custom: again']);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { statusCode: number; headers: Record<string, string>; body: { params: unknown; body: unknown; headers: Record<string, string>; method: string }; record: { id: string; method: string } };
    assert.equal(out.statusCode, 200);
    assert.deepEqual(out.body.params, { a: ['1', '2'] });
    assert.deepEqual(out.body.body, { x: [1, 2] });
    assert.equal(out.body.headers['x-custom'], 'yes, again');
    assert.equal(out.record.id, out.headers['x-request-id']);
    assert.equal(out.record.method, 'POST');
  });

  test('SPEC R23: --data - reads the body from stdin, --data @file from a file', async () => {
    const stdin = await runCli(['invoke', '--json', '/_hcms/api/context', basic, '-X', 'POST', '--data', '-'], { input: '{"from":"stdin"}' });
    assert.deepEqual((JSON.parse(stdin.stdout) as { body: { body: unknown } }).body.body, { from: 'stdin' });
    const file = await runCli(['invoke', '--json', '/_hcms/api/context', basic, '-X', 'POST', '--data', '@test/fixtures/cli/watch.functions/serverless.json']);
    assert.equal((JSON.parse(file.stdout) as { body: { body: { version: string } } }).body.body.version, '1.0');
  });

  test('SPEC R26: --account-id reaches context.accountId; a bad value exits 2', async () => {
    const run = await runCli(['invoke', '--json', '/_hcms/api/context', basic, '--account-id', '12345']);
    assert.equal((JSON.parse(run.stdout) as { body: { accountId: number } }).body.accountId, 12345);
    assert.equal((await runCli(['invoke', '/_hcms/api/context', basic, '--account-id', '-1'])).code, 2);
  });

  test('SPEC R26, R32: --env-file loads variables (here HUBSPOT_ACCOUNT_ID) without overriding the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsf-envfile-'));
    try {
      const envFile = join(dir, 'vars.env');
      writeFileSync(envFile, 'HUBSPOT_ACCOUNT_ID=777\n');
      const run = await runCli(['invoke', '--json', '/_hcms/api/context', basic, '--env-file', envFile], { env: { HUBSPOT_ACCOUNT_ID: undefined } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as { body: { accountId: number } }).body.accountId, 777);
      const env = await runCli(['invoke', '--json', '/_hcms/api/context', basic, '--env-file', envFile], { env: { HUBSPOT_ACCOUNT_ID: '42' } });
      assert.equal((JSON.parse(env.stdout) as { body: { accountId: number } }).body.accountId, 42);
      // Node 20 itself also reads `--env-file` anywhere on its command line and exits 9 when the
      // file is missing, before the CLI runs; either way the run fails and names the file.
      const missing = await runCli(['invoke', '/x', basic, '--env-file', join(dir, 'missing.env')]);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /missing\.env/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bin/hubspot-functions.js', () => {
  const built = existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'));
  test('issue #6: the built binary runs the CLI', { skip: built ? false : 'dist/ is missing: run `npm run build` first (npm test builds)' }, async () => {
    const run = await runCli(['validate', 'examples/design-manager'], { bin: join(ROOT, 'bin', 'hubspot-functions.js') });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^valid: 3 function\(s\)/m);
    const help = await runCli([], { bin: join(ROOT, 'bin', 'hubspot-functions.js') });
    assert.equal(help.code, 2);
    assert.match(help.stderr, /Usage: hubspot-functions <command>/);
  });
});
