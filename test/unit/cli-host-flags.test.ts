// Flags of serve and invoke → host options (issue #6; --rate-limit and --redis from issue #4).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io';
import { parsePort } from '../../src/cli/command-serve';
import { parseHeaderFlags } from '../../src/cli/command-invoke';
import { buildHostOptions, type HostFlagValues } from '../../src/cli/host-flags';
import { CliUsageError } from '../../src/cli/usage-error';

function io(env: NodeJS.ProcessEnv = {}): CliIo {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env, cwd: process.cwd(), color: false, stopSignal: () => new Promise(() => undefined) };
}

const good: Array<{ name: string; values: HostFlagValues; want: object }> = [
  { name: 'SPEC R10: --prefix', values: { prefix: '/api' }, want: { prefix: '/api' } },
  { name: 'SPEC R44: --isolation worker', values: { isolation: 'worker' }, want: { isolation: 'worker' } },
  { name: 'SPEC R44: --isolation process', values: { isolation: 'process' }, want: { isolation: 'process' } },
  { name: 'SPEC R26: --account-id', values: { 'account-id': '123' }, want: { accountId: 123 } },
  { name: 'SPEC R45: --timeout', values: { timeout: '2500' }, want: { timeoutMs: 2500 } },
  { name: 'SPEC R55: --rate-limit seconds per minute', values: { 'rate-limit': '60' }, want: { rateLimit: { budgetMs: 60_000 } } },
  { name: 'SPEC R55: --rate-limit off', values: { 'rate-limit': 'off' }, want: { rateLimit: false } },
  { name: 'SPEC R55: no flag leaves the default budget', values: {}, want: {} },
];
for (const t of good) {
  test(t.name, async () => {
    const built = buildHostOptions(t.values, io());
    assert.deepEqual(built.options, t.want);
    await built.release();
  });
}

const bad: Array<{ name: string; values: HostFlagValues }> = [
  { name: 'SPEC R44: --isolation must be process, worker or inline', values: { isolation: 'docker' } },
  { name: 'SPEC R26: --account-id must be a non-negative integer', values: { 'account-id': '-3' } },
  { name: 'SPEC R45: --timeout must be a positive integer', values: { timeout: '0' } },
  { name: 'SPEC R55: --rate-limit must be a positive number', values: { 'rate-limit': 'lots' } },
  { name: 'SPEC R55: --rate-limit 0 is refused (use off)', values: { 'rate-limit': '0' } },
  { name: 'SPEC R55: --redis with --rate-limit off is refused', values: { 'rate-limit': 'off', redis: 'redis://127.0.0.1:1' } },
];
for (const t of bad) {
  test(t.name, () => assert.throws(() => buildHostOptions(t.values, io()), CliUsageError));
}

test('SPEC R55, issue #4: --redis (or HUBSPOT_FUNCTIONS_REDIS_URL) puts a Redis store behind the budget; release() closes it', async () => {
  const built = buildHostOptions({ 'rate-limit': '30' }, io({ HUBSPOT_FUNCTIONS_REDIS_URL: 'redis://127.0.0.1:1' }));
  const rate = built.options.rateLimit as { budgetMs: number; store: { reserve: unknown } };
  assert.equal(rate.budgetMs, 30_000);
  assert.equal(typeof rate.store.reserve, 'function');
  await built.release();
});

const ports = [
  { name: 'issue #6: --port wins', flag: '8080', env: { PORT: '9000' }, want: 8080 },
  { name: 'issue #6: PORT when no --port', flag: undefined, env: { PORT: '9000' }, want: 9000 },
  { name: 'issue #6: 3000 by default', flag: undefined, env: {}, want: 3000 },
  { name: 'issue #6: 0 picks a free port', flag: '0', env: {}, want: 0 },
];
for (const t of ports) test(t.name, () => assert.equal(parsePort(t.flag, t.env), t.want));
test('issue #6: a port that is not 0–65535 is a usage error', () => {
  assert.throws(() => parsePort('70000', {}), CliUsageError);
  assert.throws(() => parsePort('http', {}), CliUsageError);
});

test('SPEC R25: --header flags keep repeated names in order; a header without a colon is a usage error', () => {
  assert.deepEqual(parseHeaderFlags(['X-A: 1', 'x-a: 2', 'Content-Type: application/json']), { 'X-A': ['1'], 'x-a': ['2'], 'Content-Type': ['application/json'] });
  assert.throws(() => parseHeaderFlags(['nocolon']), CliUsageError);
});
