// Where an outbound call goes (issue #13): origins parsed and normalized as at mount, loopback
// hosts, and the route a policy picks; the `outbound` option's validation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeOptions } from '../../src/options';
import { isLoopbackHost, parseOrigin, routeOutbound } from '../../src/outbound/outbound-policy';

const origins: Array<[input: unknown, want: string | null]> = [
  ['https://api.hubapi.com', 'https://api.hubapi.com'],
  ['https://API.HubAPI.com/', 'https://api.hubapi.com'],
  ['https://api.hubapi.com:443', 'https://api.hubapi.com'],
  ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
  ['HTTP://localhost:80', 'http://localhost'],
  ['http://[::1]:4010', 'http://[::1]:4010'],
  ['https://api.hubapi.com/crm', null],
  ['https://api.hubapi.com?x=1', null],
  ['https://api.hubapi.com#x', null],
  ['https://user:pass@api.hubapi.com', null],
  ['ftp://api.hubapi.com', null],
  ['api.hubapi.com', null],
  ['http://', null],
  ['http://exa mple.com', null],
  [42, null],
];
for (const [input, want] of origins) {
  test(`issue #13: parseOrigin(${JSON.stringify(input)}) is ${JSON.stringify(want)}`, () => assert.equal(parseOrigin(input), want));
}

test('issue #13: loopback hosts', () => {
  for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.5.6.7', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['api.hubapi.com', '128.0.0.1', '10.0.0.1', '0.0.0.0', 'localhost.example.com', '::2']) assert.ok(!isLoopbackHost(host), host);
});

test('issue #13: a listed origin is rewritten; under deny the rest is refused except loopback (unless allowLoopback is false)', () => {
  const rewrite = { 'https://api.hubapi.com': 'http://127.0.0.1:4010' };
  const open = { rewrite, deny: false, allowLoopback: true };
  assert.deepEqual(routeOutbound(open, 'https://api.hubapi.com', 'api.hubapi.com'), { target: 'http://127.0.0.1:4010' });
  assert.equal(routeOutbound(open, 'https://example.com', 'example.com'), 'pass');
  const denied = { ...open, deny: true };
  assert.equal(routeOutbound(denied, 'https://example.com', 'example.com'), 'deny');
  assert.equal(routeOutbound(denied, 'http://127.0.0.1:9', '127.0.0.1'), 'pass');
  assert.deepEqual(routeOutbound(denied, 'https://api.hubapi.com', 'api.hubapi.com'), { target: 'http://127.0.0.1:4010' });
  assert.equal(routeOutbound({ ...denied, allowLoopback: false }, 'http://127.0.0.1:9', '127.0.0.1'), 'deny');
  // Inherited names are never origins.
  assert.equal(routeOutbound(open, 'constructor', 'constructor'), 'pass');
});

test('issue #13: the outbound option is normalized at mount; nothing to do is null', () => {
  assert.equal(normalizeOptions({}).outbound, null);
  assert.equal(normalizeOptions({ outbound: false }).outbound, null);
  assert.equal(normalizeOptions({ outbound: {} }).outbound, null);
  assert.deepEqual(normalizeOptions({ outbound: { rewrite: { 'https://API.hubapi.com:443/': 'http://127.0.0.1:4010/' } } }).outbound, {
    rewrite: { 'https://api.hubapi.com': 'http://127.0.0.1:4010' }, deny: false, allowLoopback: true,
  });
  assert.deepEqual(normalizeOptions({ outbound: { deny: true, allowLoopback: false } }).outbound, { rewrite: {}, deny: true, allowLoopback: false });
  assert.ok(Object.isFrozen(normalizeOptions({ outbound: { deny: true } }).outbound));
});

const bad: Array<[name: string, value: unknown, names: RegExp]> = [
  ['a key with a path', { rewrite: { 'https://api.hubapi.com/crm': 'http://127.0.0.1:4010' } }, /"outbound\.rewrite".*https:\/\/api\.hubapi\.com\/crm/],
  ['a target with a path', { rewrite: { 'https://api.hubapi.com': 'http://127.0.0.1:4010/v3' } }, /"outbound\.rewrite\["https:\/\/api\.hubapi\.com"\]".*127\.0\.0\.1:4010\/v3/],
  ['a target without a scheme', { rewrite: { 'https://api.hubapi.com': '127.0.0.1:4010' } }, /outbound\.rewrite/],
  ['two keys for one origin with different targets', { rewrite: { 'https://a.test': 'http://127.0.0.1:1', 'https://A.test:443': 'http://127.0.0.1:2' } }, /listed twice/],
  ['rewrite as an array', { rewrite: [] }, /"outbound\.rewrite"/],
  ['deny as a string', { deny: 'yes' }, /"outbound\.deny"/],
  ['allowLoopback as a number', { allowLoopback: 0 }, /"outbound\.allowLoopback"/],
  ['an unknown key', { redirect: {} }, /outbound\.redirect/],
  ['a string', 'deny', /"outbound"/],
];
for (const [name, value, names] of bad) {
  test(`issue #13: outbound: ${name} is a TypeError naming the option`, () => {
    assert.throws(() => normalizeOptions({ outbound: value as never }), (error: unknown) => error instanceof TypeError && names.test(error.message));
  });
}
