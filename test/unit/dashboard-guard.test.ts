// The dashboard's request checks (issue #10): which Host it answers (DNS rebinding), which Origin
// it accepts, and the token compared in constant time. Table-driven, no sockets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAllowedHost, isSameOrigin } from '../../src/dashboard/check-host';
import { buildTokenCookie, createTokenMatcher, presentedToken } from '../../src/dashboard/dashboard-token';

const hosts: Array<{ host: string | undefined; allowed?: string[]; want: boolean }> = [
  { host: 'localhost', want: true },
  { host: 'localhost:3000', want: true },
  { host: 'LOCALHOST:3000', want: true },
  { host: 'localhost.:3000', want: true },
  { host: 'app.localhost', want: true },
  { host: 'a.b.localhost:80', want: true },
  { host: '127.0.0.1', want: true },
  { host: '127.0.0.1:3000', want: true },
  { host: '127.255.255.254:1', want: true },
  { host: '[::1]', want: true },
  { host: '[::1]:3000', want: true },
  { host: '[0:0:0:0:0:0:0:1]:3000', want: true },
  { host: undefined, want: false },
  { host: '', want: false },
  { host: 'evil.example', want: false },
  { host: 'localhost.evil.example', want: false },
  { host: 'evillocalhost', want: false },
  { host: '127.0.0.1.evil.example', want: false },
  { host: '128.0.0.1', want: false },
  { host: '10.0.0.1:3000', want: false },
  { host: '[::2]:3000', want: false },
  { host: '[::ffff:7f00:1]', want: false },
  { host: 'evil.example@127.0.0.1', want: false },
  { host: '127.0.0.1/evil', want: false },
  { host: '127.0.0.1 evil', want: false },
  { host: 'localhost:3000:4000', want: false },
  { host: 'localhost:x', want: false },
  { host: 'dash.example.com', allowed: ['dash.example.com'], want: true },
  { host: 'Dash.Example.com:8443', allowed: ['dash.example.com'], want: true },
  { host: 'x.dash.example.com', allowed: ['dash.example.com'], want: false },
  { host: 'x.corp.example', allowed: ['.corp.example'], want: true },
  { host: 'corp.example', allowed: ['.corp.example'], want: true },
  { host: 'evilcorp.example', allowed: ['.corp.example'], want: false },
  { host: '192.168.1.5:3000', allowed: ['192.168.1.5'], want: true },
  { host: '[fe80::1]:3000', allowed: ['[fe80::1]'], want: true },
];
for (const t of hosts) {
  test(`issue #10 item 2: Host ${JSON.stringify(t.host)}${t.allowed ? ` with allowedHosts ${JSON.stringify(t.allowed)}` : ''} is ${t.want ? 'served' : 'refused'}`, () => {
    assert.equal(isAllowedHost(t.host, t.allowed ?? []), t.want);
  });
}

const origins: Array<{ origin: string | undefined; host: string | undefined; want: boolean }> = [
  { origin: undefined, host: 'localhost:3000', want: true },
  { origin: 'http://localhost:3000', host: 'localhost:3000', want: true },
  { origin: 'http://LOCALHOST:3000', host: 'localhost:3000', want: true },
  { origin: 'http://localhost', host: 'localhost:80', want: true },
  { origin: 'http://[::1]:3000', host: '[::1]:3000', want: true },
  { origin: 'http://localhost:3001', host: 'localhost:3000', want: false },
  { origin: 'http://evil.example', host: 'localhost:3000', want: false },
  { origin: 'http://127.0.0.1:3000', host: 'localhost:3000', want: false },
  { origin: 'null', host: 'localhost:3000', want: false },
  { origin: '', host: 'localhost:3000', want: false },
  { origin: 'http://localhost:3000', host: undefined, want: false },
  { origin: 'not a url', host: 'localhost:3000', want: false },
];
for (const t of origins) {
  test(`issue #10 item 2: Origin ${JSON.stringify(t.origin)} on Host ${JSON.stringify(t.host)} is ${t.want ? 'same-origin' : 'cross-site'}`, () => {
    assert.equal(isSameOrigin(t.origin, t.host), t.want);
  });
}

test('issue #10 item 5: the token matcher accepts the token only, whatever the candidate\'s length', () => {
  const matches = createTokenMatcher('s3cret-token');
  assert.equal(matches('s3cret-token'), true);
  for (const candidate of [undefined, '', 's3cret', 's3cret-token ', 's3cret-tokens', 'S3CRET-TOKEN', 'x'.repeat(10_000)]) {
    assert.equal(matches(candidate), false, String(candidate).slice(0, 30));
  }
});

const presented: Array<{ name: string; headers: Record<string, string>; want: string | undefined }> = [
  { name: 'nothing', headers: {}, want: undefined },
  { name: 'a bearer token', headers: { authorization: 'Bearer abc' }, want: 'abc' },
  { name: 'a bearer token, scheme in any case, extra spaces', headers: { authorization: 'bEaReR   abc  ' }, want: 'abc' },
  { name: 'another scheme', headers: { authorization: 'Basic abc' }, want: undefined },
  { name: 'the cookie', headers: { cookie: 'a=1; hsf_dashboard=abc; b=2' }, want: 'abc' },
  { name: 'a percent-encoded cookie', headers: { cookie: 'hsf_dashboard=a%3Bb' }, want: 'a;b' },
  { name: 'a malformed cookie header', headers: { cookie: ';;;=' }, want: undefined },
  { name: 'the bearer token before the cookie', headers: { authorization: 'Bearer abc', cookie: 'hsf_dashboard=def' }, want: 'abc' },
];
for (const t of presented) {
  test(`issue #10 item 5: presentedToken reads ${t.name}`, () => {
    assert.equal(presentedToken(t.headers), t.want);
  });
}

test('issue #10 item 5: the cookie is HttpOnly, SameSite=Strict, scoped to the dashboard path; Secure over TLS', () => {
  assert.equal(buildTokenCookie('abc', '/ops/__dashboard', false), 'hsf_dashboard=abc; HttpOnly; SameSite=Strict; Path=/ops/__dashboard');
  assert.equal(buildTokenCookie('a;b', '/__dashboard', true), 'hsf_dashboard=a%3Bb; HttpOnly; SameSite=Strict; Path=/__dashboard; Secure');
});
