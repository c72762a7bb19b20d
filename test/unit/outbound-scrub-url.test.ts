// The URL an outbound record keeps (issue #13): no userinfo, no fragment, no credential-like
// query values; declared secrets redacted (SPEC R33) before the length cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCredentialName, MAX_RECORDED_URL_CHARS, recordedUrl, scrubUrl } from '../../src/outbound/scrub-url';

const cases: Array<{ name: string; url: string; want: string }> = [
  { name: 'a plain URL is kept as written', url: 'https://api.hubapi.com/crm/v3/objects/contacts?limit=10&after=abc', want: 'https://api.hubapi.com/crm/v3/objects/contacts?limit=10&after=abc' },
  { name: 'hapikey loses its value, other parameters stay in order', url: 'https://api.hubapi.com/contacts/v1/lists?count=2&hapikey=demo-1234&offset=5', want: 'https://api.hubapi.com/contacts/v1/lists?count=2&hapikey=[REDACTED]&offset=5' },
  { name: 'every listed name, case-insensitively', url: 'http://x.test/?HAPIKEY=1&Api_Key=2&access_token=3&Token=4&key=5&SECRET=6&password=7&apikey=8', want: 'http://x.test/?HAPIKEY=[REDACTED]&Api_Key=[REDACTED]&access_token=[REDACTED]&Token=[REDACTED]&key=[REDACTED]&SECRET=[REDACTED]&password=[REDACTED]&apikey=[REDACTED]' },
  { name: 'names ending in a credential word', url: 'https://x.test/oauth?refresh_token=r&client_secret=s&x-api-key=k&limit=1', want: 'https://x.test/oauth?refresh_token=[REDACTED]&client_secret=[REDACTED]&x-api-key=[REDACTED]&limit=1' },
  { name: 'a percent-encoded name is read decoded', url: 'https://x.test/?%74oken=abc', want: 'https://x.test/?%74oken=[REDACTED]' },
  { name: 'a repeated credential name loses every value', url: 'https://x.test/?token=a&token=b', want: 'https://x.test/?token=[REDACTED]&token=[REDACTED]' },
  { name: 'an empty value or a bare name is left alone', url: 'https://x.test/?token=&key', want: 'https://x.test/?token=&key' },
  { name: 'words that merely contain a credential word are kept', url: 'https://x.test/?keyword=a&tokens=b&monkey=c', want: 'https://x.test/?keyword=a&tokens=b&monkey=c' },
  { name: 'userinfo is dropped', url: 'https://user:p%40ss@api.example.com:8443/v1?x=1', want: 'https://api.example.com:8443/v1?x=1' },
  { name: 'an @ in the path is not userinfo', url: 'https://api.example.com/users/ada@example.com', want: 'https://api.example.com/users/ada@example.com' },
  { name: 'the fragment is dropped', url: 'https://x.test/a?b=1#token=secret', want: 'https://x.test/a?b=1' },
  { name: 'a bad escape in a name does not throw', url: 'https://x.test/?%E0%A4%A=1&token=2', want: 'https://x.test/?%E0%A4%A=1&token=[REDACTED]' },
];

for (const t of cases) test(`issue #13: scrubUrl: ${t.name}`, () => assert.equal(scrubUrl(t.url), t.want));

test('issue #13: isCredentialName', () => {
  for (const name of ['hapikey', 'HapiKey', 'api_key', 'access_token', 'token', 'key', 'secret', 'password', 'client_secret', 'id_token']) assert.ok(isCredentialName(name), name);
  for (const name of ['limit', 'after', 'keys', 'tokenizer', 'email', 'properties']) assert.ok(!isCredentialName(name), name);
});

test('SPEC R33: recordedUrl redacts declared secret values anywhere in the URL, then cuts it to the cap', () => {
  const redactions: Array<[string, string]> = [['PARTNER_ID', 'partner-4242']];
  assert.equal(recordedUrl('https://x.test/partners/partner-4242/deals?owner=partner-4242', redactions), 'https://x.test/partners/[REDACTED:PARTNER_ID]/deals?owner=[REDACTED:PARTNER_ID]');
  // The cut comes after redaction: no part of a secret is left at the end.
  const long = `https://x.test/${'a'.repeat(MAX_RECORDED_URL_CHARS - 20)}/partner-4242/more`;
  const shown = recordedUrl(long, redactions);
  assert.equal(shown.length, MAX_RECORDED_URL_CHARS + 1);
  assert.ok(shown.endsWith('…'));
  assert.ok(!shown.includes('partner-42'));
});
