// The serve flags that mirror the library's options, and `logs --since` (issue #15).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSince } from '../../src/cli/command-logs';
import { buildServeOptions } from '../../src/cli/serve-flags';
import { CliUsageError } from '../../src/cli/usage-error';

test('issue #15: --app-functions-route, --cors (repeatable), --max-body, --instance and --health become options', () => {
  assert.deepEqual(buildServeOptions({}), { options: {}, healthPath: null });
  assert.deepEqual(buildServeOptions({
    'app-functions-route': true, cors: ['https://a.example', 'http://localhost:5173'], 'max-body': '1024', instance: 'web-1', health: '/__health',
  }), {
    options: { appFunctionsRoute: true, cors: { origins: ['https://a.example', 'http://localhost:5173'] }, maxBodyBytes: 1024, instance: 'web-1' },
    healthPath: '/__health',
  });
});

const bad: Array<[string, Parameters<typeof buildServeOptions>[0]]> = [
  ['--cors', { cors: ['*'] }],
  ['--cors', { cors: ['https://a.example/'] }],
  ['--cors', { cors: ['a.example'] }],
  ['--max-body', { 'max-body': '-1' }],
  ['--max-body', { 'max-body': '6MB' }],
  ['--health', { health: 'health' }],
  ['--health', { health: '/' }],
  ['--health', { health: '/h?x=1' }],
];
for (const [flag, values] of bad) {
  test(`issue #15: a bad ${flag} (${JSON.stringify(values)}) is a usage error naming it`, () => {
    assert.throws(() => buildServeOptions(values), (e: unknown) => e instanceof CliUsageError && e.message.startsWith(flag));
  });
}

test('issue #15: --since takes a duration back from now or an ISO time', () => {
  const now = 1_000_000_000;
  assert.equal(parseSince('30s', now), now - 30_000);
  assert.equal(parseSince('5m', now), now - 300_000);
  assert.equal(parseSince('1.5h', now), now - 5_400_000);
  assert.equal(parseSince('2d', now), now - 172_800_000);
  assert.equal(parseSince('250ms', now), now - 250);
  assert.equal(parseSince('2026-01-31T12:00:00Z', now), Date.UTC(2026, 0, 31, 12));
  for (const value of ['5', 'yesterday', '5 minutes', '-5m']) assert.throws(() => parseSince(value, now), CliUsageError);
});
