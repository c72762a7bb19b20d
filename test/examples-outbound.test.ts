// The testing example of docs/outbound.md and the README (issue #13) runs as it is written: a
// supertest test of a function that calls HubSpot's API, against a local fake, in worker
// isolation. It requires the package by name, so it runs against the build (npm test builds first).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..');

test('examples/outbound-testing: its node:test file passes', { timeout: 60_000 }, async () => {
  // Without the runner's own context variable, the child runs its file as a test run of its own.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--test', join(root, 'examples', 'outbound-testing', 'contacts.test.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, output);
  assert.match(output, /^# pass 1$/m);
  assert.match(output, /^# fail 0$/m);
});
