import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHeaders, createHeadersView } from '../../src/request/headers';

const LOCAL = { remoteAddress: '10.0.0.9' };

const cases: Array<{
  name: string;
  raw: string[];
  client?: { remoteAddress: string | undefined; trustedForwardedFor?: string };
  want: Record<string, string>;
}> = [
  {
    name: 'SPEC R25: names are lower-cased',
    raw: ['Content-Type', 'application/json', 'X-Custom-Thing', 'v'],
    want: { 'content-type': 'application/json', 'x-custom-thing': 'v', 'true-client-ip': '10.0.0.9', 'x-forwarded-for': '10.0.0.9' },
  },
  {
    name: 'SPEC R25: repeated values are joined with ", " whatever their case',
    raw: ['Accept', 'text/html', 'accept', 'application/json', 'ACCEPT', '*/*'],
    want: { accept: 'text/html, application/json, */*', 'true-client-ip': '10.0.0.9', 'x-forwarded-for': '10.0.0.9' },
  },
  {
    name: 'SPEC R25: repeated Cookie headers are joined with "; " (RFC 6265 §5.4, RFC 9113 §8.2.3)',
    raw: ['Cookie', 'a=1', 'cookie', 'hubspotutk=abc'],
    want: { cookie: 'a=1; hubspotutk=abc', 'true-client-ip': '10.0.0.9', 'x-forwarded-for': '10.0.0.9' },
  },
  {
    name: 'SPEC R25: empty header values are kept',
    raw: ['X-Empty', ''],
    want: { 'x-empty': '', 'true-client-ip': '10.0.0.9', 'x-forwarded-for': '10.0.0.9' },
  },
  {
    name: 'SPEC R25: true-client-ip and x-forwarded-for already sent are kept',
    raw: ['True-Client-IP', '1.2.3.4', 'X-Forwarded-For', '1.2.3.4, 5.6.7.8'],
    want: { 'true-client-ip': '1.2.3.4', 'x-forwarded-for': '1.2.3.4, 5.6.7.8' },
  },
  {
    name: 'SPEC R25: only the missing one of the two is filled',
    raw: ['x-forwarded-for', '1.2.3.4'],
    want: { 'x-forwarded-for': '1.2.3.4', 'true-client-ip': '10.0.0.9' },
  },
  {
    name: 'SPEC R25: behind a trusted proxy, true-client-ip is the host-computed client ip',
    raw: ['x-forwarded-for', '203.0.113.7, 10.0.0.1'],
    client: { remoteAddress: '10.0.0.1', trustedForwardedFor: '203.0.113.7' },
    want: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1', 'true-client-ip': '203.0.113.7' },
  },
  {
    name: 'SPEC R25: an IPv4-mapped IPv6 peer is reported as IPv4',
    raw: [],
    client: { remoteAddress: '::ffff:127.0.0.1' },
    want: { 'true-client-ip': '127.0.0.1', 'x-forwarded-for': '127.0.0.1' },
  },
  {
    name: 'SPEC R25: a real IPv6 peer is kept as is',
    raw: [],
    client: { remoteAddress: '::1' },
    want: { 'true-client-ip': '::1', 'x-forwarded-for': '::1' },
  },
  {
    name: 'SPEC R25: no known client address fills nothing',
    raw: ['host', 'example.com'],
    client: { remoteAddress: undefined },
    want: { host: 'example.com' },
  },
  {
    name: 'SPEC R25: HTTP/2 pseudo-headers are dropped; :authority stands in for host',
    raw: [':method', 'GET', ':path', '/x', ':authority', 'example.com', 'accept', '*/*'],
    client: { remoteAddress: undefined },
    want: { accept: '*/*', host: 'example.com' },
  },
];

for (const t of cases) {
  test(t.name, () => {
    const headers = buildHeaders({ rawHeaders: t.raw }, t.client ?? LOCAL);
    assert.deepStrictEqual(headers, t.want);
  });
}

test('SPEC R25: a header named __proto__ is an own key and does not change the prototype', () => {
  const headers = buildHeaders({ rawHeaders: ['__proto__', 'x', '__PROTO__', 'y'] }, { remoteAddress: undefined });
  assert.equal(Object.getPrototypeOf(headers), Object.prototype);
  assert.ok(Object.hasOwn(headers, '__proto__'));
  assert.deepStrictEqual(Object.keys(headers), ['__proto__']);
  assert.equal(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value, 'x, y');
});

test('SPEC R25: a header named constructor is joined like any other', () => {
  const headers = buildHeaders({ rawHeaders: ['constructor', 'a', 'Constructor', 'b'] }, { remoteAddress: undefined });
  assert.equal(headers.constructor as unknown, 'a, b');
});

test('SPEC R25: the headers object survives a structured clone unchanged', () => {
  const headers = buildHeaders({ rawHeaders: ['Cookie', 'a=1', 'Accept', '*/*'] }, LOCAL);
  assert.deepStrictEqual(structuredClone(headers), headers);
});

const viewCases: Array<{ name: string; read: string; want: string | undefined }> = [
  { name: 'SPEC R25: view reads Title-Case names (headers.Cookie)', read: 'Cookie', want: 'a=1' },
  { name: 'SPEC R25: view reads upper-case names', read: 'USER-AGENT', want: 'curl' },
  { name: 'SPEC R25: view reads lower-case names', read: 'x-forwarded-for', want: '1.2.3.4' },
  { name: 'SPEC R25: view reads mixed-case names', read: 'X-Forwarded-For', want: '1.2.3.4' },
  { name: 'SPEC R25: view gives undefined for absent names', read: 'X-Missing', want: undefined },
];

for (const t of viewCases) {
  test(t.name, () => {
    const view = createHeadersView({ cookie: 'a=1', 'user-agent': 'curl', 'x-forwarded-for': '1.2.3.4' });
    assert.equal(view[t.read], t.want);
  });
}

test('SPEC R25: view keys, in, JSON and spread behave like the plain lower-cased object', () => {
  const plain = { cookie: 'a=1', 'user-agent': 'curl' };
  const view = createHeadersView(plain);
  assert.deepStrictEqual(Object.keys(view), ['cookie', 'user-agent']);
  assert.equal('Cookie' in view, true);
  assert.equal('cookie' in view, true);
  assert.equal('X-Missing' in view, false);
  assert.equal(JSON.stringify(view), JSON.stringify(plain));
  assert.deepStrictEqual({ ...view }, plain);
  assert.deepStrictEqual(Object.entries(view), Object.entries(plain));
  assert.equal(Object.hasOwn(view, 'Cookie'), true);
});

test('SPEC R25: writes through the view land on the lower-cased name', () => {
  const plain: Record<string, string> = { cookie: 'a=1' };
  const view = createHeadersView(plain);
  view['X-Added'] = 'v';
  view.Cookie = 'b=2';
  assert.deepStrictEqual(plain, { cookie: 'b=2', 'x-added': 'v' });
  delete view['X-ADDED'];
  assert.deepStrictEqual(plain, { cookie: 'b=2' });
});

test('SPEC R25: object methods still work on the view', () => {
  const view = createHeadersView({ accept: '*/*' });
  assert.equal(view.hasOwnProperty('accept'), true);
  assert.equal(typeof view.toString, 'function');
});
