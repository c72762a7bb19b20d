// verifyHubSpotSignature with vectors computed here, straight from HubSpot's documented
// algorithms (and the literal examples its "Validating requests" page gives), not from the code
// under test. Issue 5 ("webhook-safe bodies"); the context form reads SPEC R20/R25 fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { verifyHubSpotSignature, SIGNATURE_MAX_AGE_MS } from '../../src/webhooks/verify-signature';
import type { HubSpotContext } from '../../src/types';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URL_ = 'https://www.example.com/webhook_uri';
const BODY = '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const NOW = 1_700_000_000_000;

const sha256Hex = (source: string): string => createHash('sha256').update(source, 'utf8').digest('hex');
const v1 = (secret: string, body: string): string => sha256Hex(secret + body);
const v2 = (secret: string, method: string, uri: string, body: string): string => sha256Hex(secret + method + uri + body);
const v3 = (secret: string, method: string, uri: string, body: string, timestamp: number): string =>
  createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');

// HubSpot's own examples (client secret yyyyyyyy-..., URI https://www.example.com/webhook_uri).
const documented = [
  { name: 'v1 example (contact.creation body)', version: 'v1', method: 'POST', body: BODY, hash: '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de' },
  { name: 'v2 GET example', version: 'v2', method: 'GET', body: '', hash: 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e' },
  { name: 'v2 POST example', version: 'v2', method: 'POST', body: '{"example_field":"example_value"}', hash: '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900' },
];
for (const t of documented) {
  test(`webhooks (issue 5): HubSpot's documented ${t.name} verifies`, () => {
    const headers = { 'X-HubSpot-Signature': t.hash, 'X-HubSpot-Signature-Version': t.version };
    assert.equal(verifyHubSpotSignature({ method: t.method, url: URL_, headers, rawBody: t.body, clientSecret: SECRET }), true);
    assert.equal(verifyHubSpotSignature({ method: t.method, url: URL_, headers, rawBody: `${t.body} `, clientSecret: SECRET }), false);
  });
}

interface Case {
  name: string;
  input: Parameters<typeof verifyHubSpotSignature>[0];
  want: boolean;
}

const body = '{"objectId":42}';
const ts = NOW - 1_000;
const v3Headers = (signature: string, timestamp: number | string = ts): Record<string, string> => ({
  'x-hubspot-signature-v3': signature,
  'x-hubspot-request-timestamp': String(timestamp),
});

const cases: Case[] = [
  { name: 'v1 valid', want: true, input: { headers: { 'x-hubspot-signature': v1(SECRET, body), 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v1 tampered body', want: false, input: { headers: { 'x-hubspot-signature': v1(SECRET, body), 'x-hubspot-signature-version': 'v1' }, rawBody: '{"objectId":43}', clientSecret: SECRET } },
  { name: 'v1 wrong secret', want: false, input: { headers: { 'x-hubspot-signature': v1('other', body), 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v1 upper-case hex', want: true, input: { headers: { 'x-hubspot-signature': v1(SECRET, body).toUpperCase(), 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v2 valid', want: true, input: { method: 'POST', url: URL_, headers: { 'x-hubspot-signature': v2(SECRET, 'POST', URL_, body), 'x-hubspot-signature-version': 'v2' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v2 lower-case method given', want: true, input: { method: 'post', url: URL_, headers: { 'x-hubspot-signature': v2(SECRET, 'POST', URL_, body), 'x-hubspot-signature-version': 'v2' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v2 tampered body', want: false, input: { method: 'POST', url: URL_, headers: { 'x-hubspot-signature': v2(SECRET, 'POST', URL_, body), 'x-hubspot-signature-version': 'v2' }, rawBody: `${body} `, clientSecret: SECRET } },
  { name: 'v2 other URL', want: false, input: { method: 'POST', url: `${URL_}?x=1`, headers: { 'x-hubspot-signature': v2(SECRET, 'POST', URL_, body), 'x-hubspot-signature-version': 'v2' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v2 other method', want: false, input: { method: 'PUT', url: URL_, headers: { 'x-hubspot-signature': v2(SECRET, 'POST', URL_, body), 'x-hubspot-signature-version': 'v2' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v2 wrong secret', want: false, input: { method: 'POST', url: URL_, headers: { 'x-hubspot-signature': v2('other', 'POST', URL_, body), 'x-hubspot-signature-version': 'v2' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v2 without url', want: false, input: { method: 'POST', headers: { 'x-hubspot-signature': v2(SECRET, 'POST', 'undefined', body), 'x-hubspot-signature-version': 'v2' }, rawBody: body, clientSecret: SECRET } },
  { name: 'v3 valid', want: true, input: { method: 'POST', url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, ts)), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 tampered body', want: false, input: { method: 'POST', url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, ts)), rawBody: '{"objectId":4}', clientSecret: SECRET, now: NOW } },
  { name: 'v3 wrong secret', want: false, input: { method: 'POST', url: URL_, headers: v3Headers(v3('other', 'POST', URL_, body, ts)), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 timestamp header not the signed one', want: false, input: { method: 'POST', url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, ts), ts + 1), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 exactly 5 minutes old', want: true, input: { method: 'POST', url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, NOW - SIGNATURE_MAX_AGE_MS), NOW - SIGNATURE_MAX_AGE_MS), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 stale: 5 minutes and 1 ms old', want: false, input: { method: 'POST', url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, NOW - 300_001), NOW - 300_001), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 from 5 minutes and 1 ms in the future', want: false, input: { method: 'POST', url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, NOW + 300_001), NOW + 300_001), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 timestamp not a number', want: false, input: { method: 'POST', url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, ts), `${ts}.5`), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 without timestamp', want: false, input: { method: 'POST', url: URL_, headers: { 'x-hubspot-signature-v3': v3(SECRET, 'POST', URL_, body, ts) }, rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 without method', want: false, input: { url: URL_, headers: v3Headers(v3(SECRET, 'POST', URL_, body, ts)), rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'v3 GET without body', want: true, input: { method: 'GET', url: URL_, headers: v3Headers(v3(SECRET, 'GET', URL_, '', ts)), clientSecret: SECRET, now: NOW } },
  // Downgrade: a valid v1 signature does not rescue a bad v3 one.
  { name: 'v3 present but wrong, valid v1 beside it', want: false, input: { method: 'POST', url: URL_, headers: { ...v3Headers('AAAA'), 'x-hubspot-signature': v1(SECRET, body), 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'no signature headers', want: false, input: { method: 'POST', url: URL_, headers: {}, rawBody: body, clientSecret: SECRET } },
  { name: 'signature without version', want: false, input: { headers: { 'x-hubspot-signature': v1(SECRET, body) }, rawBody: body, clientSecret: SECRET } },
  { name: 'unknown version', want: false, input: { headers: { 'x-hubspot-signature': v1(SECRET, body), 'x-hubspot-signature-version': 'v4' }, rawBody: body, clientSecret: SECRET } },
  { name: 'version v3 without the v3 header', want: false, input: { method: 'POST', url: URL_, headers: { 'x-hubspot-signature': v3(SECRET, 'POST', URL_, body, ts), 'x-hubspot-signature-version': 'v3', 'x-hubspot-request-timestamp': String(ts) }, rawBody: body, clientSecret: SECRET, now: NOW } },
  { name: 'empty client secret', want: false, input: { headers: { 'x-hubspot-signature': v1('', body), 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: '' } },
  { name: 'signature of the wrong length', want: false, input: { headers: { 'x-hubspot-signature': 'abc', 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: SECRET } },
  { name: 'Title-Case header names', want: true, input: { headers: { 'X-HubSpot-Signature': v1(SECRET, body), 'X-HubSpot-Signature-Version': 'v1' }, rawBody: body, clientSecret: SECRET } },
  { name: 'single-value header arrays', want: true, input: { headers: { 'x-hubspot-signature': [v1(SECRET, body)], 'x-hubspot-signature-version': ['v1'] }, rawBody: body, clientSecret: SECRET } },
  { name: 'repeated signature header', want: false, input: { headers: { 'x-hubspot-signature': [v1(SECRET, body), v1(SECRET, body)], 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: SECRET } },
  { name: 'one header under two spellings', want: false, input: { headers: { 'x-hubspot-signature': v1(SECRET, body), 'X-HubSpot-Signature': v1(SECRET, body), 'x-hubspot-signature-version': 'v1' }, rawBody: body, clientSecret: SECRET } },
];
for (const t of cases) {
  test(`webhooks (issue 5): ${t.name} -> ${t.want}`, () => assert.equal(verifyHubSpotSignature(t.input), t.want));
}

// HubSpot decodes these escapes in the URI before signing v3: %3A %2F %3F %40 %21 %24 %27 %28 %29
// %2A %2C %3B. The "signed" URI is written out by hand, not computed.
const decoding = [
  { name: 'colon and slash in the query', url: 'https://h.example/hook?next=https%3A%2F%2Fa.example%2Fx', signed: 'https://h.example/hook?next=https://a.example/x' },
  { name: 'every listed escape', url: 'https://h.example/hook?q=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B', signed: "https://h.example/hook?q=:/?@!$'()*,;" },
  { name: 'lower-case escapes', url: 'https://h.example/hook?q=%3a%2f%40', signed: 'https://h.example/hook?q=:/@' },
  { name: 'unlisted escapes stay encoded', url: 'https://h.example/hook?q=a%20b%26c%3Dd%25', signed: 'https://h.example/hook?q=a%20b%26c%3Dd%25' },
  { name: 'an escape in the path', url: 'https://h.example/a%40b/hook', signed: 'https://h.example/a@b/hook' },
];
for (const t of decoding) {
  test(`webhooks (issue 5): v3 URI decoding, ${t.name}`, () => {
    const headers = v3Headers(v3(SECRET, 'POST', t.signed, body, ts));
    assert.equal(verifyHubSpotSignature({ method: 'POST', url: t.url, headers, rawBody: body, clientSecret: SECRET, now: NOW }), true);
    if (t.signed !== t.url) {
      // Signed over the undecoded URI, it must not verify: the decoding is what makes it pass.
      const undecoded = v3Headers(v3(SECRET, 'POST', t.url, body, ts));
      assert.equal(verifyHubSpotSignature({ method: 'POST', url: t.url, headers: undecoded, rawBody: body, clientSecret: SECRET, now: NOW }), false);
    }
  });
}

test('webhooks (issue 5): v3 with unlisted escapes decoded by the signer does not verify', () => {
  const headers = v3Headers(v3(SECRET, 'POST', 'https://h.example/hook?q=a b', body, ts));
  assert.equal(verifyHubSpotSignature({ method: 'POST', url: 'https://h.example/hook?q=a%20b', headers, rawBody: body, clientSecret: SECRET, now: NOW }), false);
});

test('webhooks (issue 5): v3 uses the current time when `now` is not given', () => {
  const fresh = Date.now();
  const stale = fresh - SIGNATURE_MAX_AGE_MS - 60_000;
  const fresh3 = v3Headers(v3(SECRET, 'POST', URL_, body, fresh), fresh);
  const stale3 = v3Headers(v3(SECRET, 'POST', URL_, body, stale), stale);
  assert.equal(verifyHubSpotSignature({ method: 'POST', url: URL_, headers: fresh3, rawBody: body, clientSecret: SECRET }), true);
  assert.equal(verifyHubSpotSignature({ method: 'POST', url: URL_, headers: stale3, rawBody: body, clientSecret: SECRET }), false);
});

test('webhooks (issue 5): the body is hashed as bytes, including bytes that are not UTF-8', () => {
  const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
  const signature = createHash('sha256').update(Buffer.concat([Buffer.from(SECRET), bytes])).digest('hex');
  const headers = { 'x-hubspot-signature': signature, 'x-hubspot-signature-version': 'v1' };
  assert.equal(verifyHubSpotSignature({ headers, rawBody: bytes, clientSecret: SECRET }), true);
  // The same bytes through a lossy UTF-8 decode are different bytes.
  assert.equal(verifyHubSpotSignature({ headers, rawBody: bytes.toString('utf8'), clientSecret: SECRET }), false);
});

function contextFor(headers: Record<string, string>, rawBody: Buffer): HubSpotContext {
  return {
    accountId: 0, body: JSON.parse(rawBody.toString('utf8')) as unknown, contact: null, headers, params: {},
    limits: { executionsRemaining: 1, timeRemaining: 1 }, method: 'POST', endpoint: 'hook', rawBody, url: URL_,
  };
}

test('webhooks (issue 5): a function context verifies, with the secret as an argument or a field (SPEC R20, R25)', () => {
  // The context's headers are lower-cased (SPEC R25), its body bytes and URL come from `rawBody: true`.
  const at = Date.now();
  const context = contextFor(v3Headers(v3(SECRET, 'POST', URL_, body, at), at), Buffer.from(body));
  assert.equal(verifyHubSpotSignature(context, SECRET), true);
  assert.equal(verifyHubSpotSignature({ ...context, clientSecret: SECRET }), true);
  assert.equal(verifyHubSpotSignature(context, 'wrong'), false);
  assert.equal(verifyHubSpotSignature(context), false, 'no secret at all');
  assert.equal(verifyHubSpotSignature({ ...context, rawBody: Buffer.from(`${body} `) }, SECRET), false);
  assert.equal(verifyHubSpotSignature({ ...context, url: undefined }, SECRET), false);
});

test('webhooks (issue 5): malformed input gives false and never throws', () => {
  const inputs: unknown[] = [null, undefined, 42, 'x', {}, { headers: null, clientSecret: SECRET }, { headers: {}, clientSecret: 42 },
    { headers: { 'x-hubspot-signature': v1(SECRET, body), 'x-hubspot-signature-version': 'v1' }, rawBody: 42, clientSecret: SECRET }];
  for (const input of inputs) {
    assert.equal(verifyHubSpotSignature(input as Parameters<typeof verifyHubSpotSignature>[0]), false);
  }
});
