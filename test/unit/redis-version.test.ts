// The Redis versions the budget store runs on (SPEC R55, issue #10 item 8). The scripts write after
// TIME: Redis 3.2 and 4 need redis.replicate_commands() first, older servers are refused at
// connect with the minimum named. Only Redis 7 is installed here: the real-server tests run the
// scripts on it (test/integration/redis-budget-store.test.ts); this checks the script text and
// the version check with a fake INFO reply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from 'ioredis';
import { MIN_REDIS_VERSION, RESERVE_SCRIPT, SETTLE_SCRIPT } from '../../src/redis/budget-scripts';
import { createVersionCheck, isSupportedRedisVersion, readRedisVersion } from '../../src/redis/redis-version';

for (const [name, script] of [['reserve', RESERVE_SCRIPT], ['settle', SETTLE_SCRIPT]] as const) {
  test(`issue #10: the ${name} script switches to effects replication before TIME and before any write`, () => {
    const lines = script.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('--'));
    assert.equal(lines[0], 'if redis.replicate_commands then redis.replicate_commands() end');
    const firstCall = script.indexOf('redis.call(');
    assert.ok(script.indexOf('redis.replicate_commands()') < firstCall);
    assert.ok(script.indexOf("redis.call('TIME')") >= firstCall, 'TIME comes after the switch');
  });
}

const versionCases = [
  { version: '2.8.24', supported: false },
  { version: '3.0.7', supported: false },
  { version: '3.2.0', supported: true },
  { version: '4.0.14', supported: true },
  { version: '5.0.0', supported: true },
  { version: '7.0.15', supported: true },
  { version: '10.0.1', supported: true },
];
for (const t of versionCases) {
  test(`issue #10: Redis ${t.version} is ${t.supported ? '' : 'not '}supported (minimum ${MIN_REDIS_VERSION})`, () => {
    assert.equal(isSupportedRedisVersion(t.version), t.supported);
  });
}

test('issue #10: the version is read from an INFO server reply', () => {
  assert.equal(readRedisVersion('# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n'), '7.0.15');
  assert.equal(readRedisVersion('# Server\r\n'), null);
});

test('issue #10: a server older than the minimum is refused with an error naming both versions, checked once', async () => {
  let calls = 0;
  const check = createVersionCheck({ info: async () => { calls++; return '# Server\r\nredis_version:3.0.7\r\n'; } } as never);
  await assert.rejects(check(), /Redis 3\.0\.7 is too old for the budget store: it needs Redis 3\.2\.0 or later/);
  await assert.rejects(check(), /3\.0\.7/);
  assert.equal(calls, 1);
});

test('issue #10: a supported server passes; INFO refused (an ACL) is given the benefit of the doubt; a lost connection is asked again', async () => {
  assert.equal(await createVersionCheck({ info: async () => 'redis_version:7.0.15\r\n' } as never)(), undefined);
  let refusedCalls = 0;
  const acl = createVersionCheck({ info: async () => { refusedCalls++; throw new ReplyError('NOPERM this user has no permissions to run the \'info\' command'); } } as never);
  await acl();
  await acl();
  assert.equal(refusedCalls, 1);
  let lostCalls = 0;
  const lost = createVersionCheck({ info: async () => { lostCalls++; throw new Error('Connection is closed.'); } } as never);
  await lost();
  await lost();
  assert.equal(lostCalls, 2);
});
