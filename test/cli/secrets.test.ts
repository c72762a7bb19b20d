// `hubspot-functions secrets list|add|delete` (issue #11, SPEC R32): values go to the folder's
// .env (mode 0600), never to the output; the host environment wins over the file; a running
// server sees a change within secretsRefreshMs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io';
import { runSecrets } from '../../src/cli/command-secrets';
import { createFunctionsHost } from '../../src/index';
import { ROOT, runCli } from './cli-process';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'cli', 'secrets.functions');
const scratch = mkdtempSync(join(tmpdir(), 'hsf-secrets-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const NO_SECRETS = { HSF_TEST_SHARED_TOKEN: undefined, HSF_TEST_OTHER_KEY: undefined };

let copies = 0;
function folder(): string {
  const copy = join(scratch, `copy-${++copies}`, 'secrets.functions');
  cpSync(FIXTURE, copy, { recursive: true });
  return copy;
}

test('SPEC R32: add writes the .env (mode 0600, other lines kept), list says where each value comes from and never shows it, delete removes it', async () => {
  const dir = folder();
  const added = await runCli(['secrets', 'add', 'HSF_TEST_SHARED_TOKEN', dir], { input: 'tok en#1 "quoted"\n', env: NO_SECRETS });
  assert.equal(added.code, 0, added.stderr);
  assert.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600);
  const { parse } = await import('dotenv');
  assert.equal(parse(readFileSync(join(dir, '.env')))['HSF_TEST_SHARED_TOKEN'], 'tok en#1 "quoted"');

  const list = await runCli(['secrets', 'list', dir, '--json'], { env: NO_SECRETS });
  assert.equal(list.code, 0, list.stderr);
  const { secrets } = JSON.parse(list.stdout) as { secrets: Array<{ name: string; functions: string[]; source: string }> };
  assert.deepEqual(secrets.map((s) => [s.name, s.functions.map((id) => id.split('#')[1]), s.source]), [
    ['HSF_TEST_OTHER_KEY', ['other'], 'missing'],
    ['HSF_TEST_SHARED_TOKEN', ['token', 'other'], 'dotenv'],
  ]);
  const table = await runCli(['secrets', 'list', dir], { env: { ...NO_SECRETS, HSF_TEST_SHARED_TOKEN: 'from-the-environment' } });
  assert.match(table.stdout, /^HSF_TEST_SHARED_TOKEN +\S+ +token,other +host environment \(overrides \.env\)$/m);
  assert.match(table.stdout, /^HSF_TEST_OTHER_KEY +\S+ +other +missing$/m);
  assert.ok(!table.stdout.includes('tok en') && !table.stdout.includes('from-the-environment'), 'no value is ever printed');

  // Other entries and comments stay byte for byte.
  writeFileSync(join(dir, '.env'), `# keep me\nFIRST=1\n${readFileSync(join(dir, '.env'), 'utf8')}LAST="a b"\n`);
  const before = readFileSync(join(dir, '.env'), 'utf8');
  assert.equal((await runCli(['secrets', 'delete', 'HSF_TEST_SHARED_TOKEN', dir])).code, 0);
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), before.replace(/^HSF_TEST_SHARED_TOKEN=.*\n/m, ''));
  assert.equal((await runCli(['secrets', 'delete', 'HSF_TEST_SHARED_TOKEN', dir])).code, 1, 'nothing left to delete');
});

test('issue #11: add warns when the .env is not git-ignored, and not once it is', async () => {
  const dir = folder();
  const repo = join(dir, '..');
  execFileSync('git', ['init', '--quiet', repo]);
  const loose = await runCli(['secrets', 'add', 'HSF_TEST_SHARED_TOKEN', dir], { input: 'value-1', env: NO_SECRETS });
  assert.match(loose.stderr, /\.env is not ignored by git: add "\.env" to \.gitignore/);
  writeFileSync(join(repo, '.gitignore'), '.env\n');
  const ignored = await runCli(['secrets', 'add', 'HSF_TEST_SHARED_TOKEN', dir], { input: 'value-2', env: NO_SECRETS });
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.doesNotMatch(ignored.stderr, /not ignored/);
});

test('issue #11: a secret no function declares, or an empty value, writes nothing and exits 1', async () => {
  const dir = folder();
  const undeclared = await runCli(['secrets', 'add', 'NOT_DECLARED', dir], { input: 'x' });
  assert.equal(undeclared.code, 1);
  assert.match(undeclared.stderr, /No function here declares the secret NOT_DECLARED/);
  assert.equal((await runCli(['secrets', 'add', 'HSF_TEST_SHARED_TOKEN', dir], { input: '' })).code, 1);
  assert.throws(() => statSync(join(dir, '.env')), { code: 'ENOENT' });
});

test('issue #11: on a terminal the value is read from a hidden prompt', async () => {
  const dir = folder();
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let shown = '';
  stdout.on('data', (c: Buffer) => (shown += c.toString()));
  stderr.on('data', (c: Buffer) => (shown += c.toString()));
  const io: CliIo = { stdin: stdin as unknown as NodeJS.ReadStream, stdout, stderr, env: {}, cwd: scratch, color: false, stopSignal: () => new Promise(() => undefined) };
  const running = runSecrets(['add', 'HSF_TEST_SHARED_TOKEN', dir], io);
  setImmediate(() => stdin.write('s3cret-typo\u007f\u007f\u007f\u007fvalue\r'));
  assert.equal(await running, 0);
  const { parse } = await import('dotenv');
  assert.equal(parse(readFileSync(join(dir, '.env')))['HSF_TEST_SHARED_TOKEN'], 's3cret-value');
  assert.match(shown, /Value of HSF_TEST_SHARED_TOKEN \(input hidden\): /);
  assert.ok(!shown.includes('s3cret'), 'the value is never echoed');
});

test('SPEC R32: a running server picks up a value added with `secrets add` within secretsRefreshMs; the environment wins over .env', async () => {
  const dir = folder();
  const host = createFunctionsHost(dir, { isolation: 'inline', onLog: false, onWarning: () => undefined, secretsRefreshMs: 50 });
  try {
    await host.ready;
    assert.deepEqual((await host.invoke('/_hcms/api/token')).body, { token: null });
    assert.equal((await runCli(['secrets', 'add', 'HSF_TEST_SHARED_TOKEN', dir], { input: 'rotated-in' })).code, 0);
    const deadline = Date.now() + 10_000;
    let body: unknown;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      body = (await host.invoke('/_hcms/api/token')).body;
    } while ((body as { token: string | null }).token === null && Date.now() < deadline);
    assert.deepEqual(body, { token: 'rotated-in' });
  } finally {
    await host.close();
  }
  process.env.HSF_TEST_SHARED_TOKEN = 'from-the-environment';
  const envHost = createFunctionsHost(dir, { isolation: 'inline', onLog: false, onWarning: () => undefined });
  try {
    await envHost.ready;
    assert.deepEqual((await envHost.invoke('/_hcms/api/token')).body, { token: 'from-the-environment' });
  } finally {
    delete process.env.HSF_TEST_SHARED_TOKEN;
    await envHost.close();
  }
});

test('SPEC R32: a declared secret with no value is one warning per secret, naming every function that declares it and where the provider looked', async () => {
  const dir = folder();
  const warnings: Array<{ code: string; message: string }> = [];
  const host = createFunctionsHost(dir, { isolation: 'inline', onLog: false, onWarning: (w) => warnings.push(w) });
  try {
    await host.ready;
    const missing = warnings.filter((w) => w.code === 'HSF_WARN_SECRET_MISSING').map((w) => w.message);
    assert.equal(missing.length, 2, JSON.stringify(missing));
    const shared = missing.find((m) => m.includes('"HSF_TEST_SHARED_TOKEN"'))!;
    assert.match(shared, /declared by "token", "other" in \S+serverless\.json/);
    assert.ok(shared.includes(`looked in the host environment, then ${join(dir, '.env')}`), shared);
    assert.match(shared, /hubspot-functions secrets add HSF_TEST_SHARED_TOKEN/);
  } finally {
    await host.close();
  }
});
