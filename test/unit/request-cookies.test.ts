import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCookies } from '../../src/request/cookies';

const cases: Array<{ name: string; header: string | undefined; want: Record<string, string> }> = [
  { name: 'SPEC R27: no header gives no cookies', header: undefined, want: {} },
  { name: 'SPEC R27: an empty header gives no cookies', header: '', want: {} },
  { name: 'SPEC R27: hubspotutk is read', header: 'hubspotutk=abc123; other=1', want: { hubspotutk: 'abc123', other: '1' } },
  { name: 'SPEC R27: values are percent-decoded', header: 'a=hello%20world', want: { a: 'hello world' } },
  { name: 'SPEC R27: a bad escape keeps the raw value', header: 'a=%E0%A4%A', want: { a: '%E0%A4%A' } },
  { name: 'SPEC R27: quoted values keep their quotes (the cookie package does not unquote)', header: 'a="quoted"', want: { a: '"quoted"' } },
  { name: 'SPEC R27: the first of a repeated name wins', header: 'a=1; a=2', want: { a: '1' } },
  { name: 'SPEC R27: headers joined with "; " parse as one (SPEC R25)', header: 'a=1; hubspotutk=x', want: { a: '1', hubspotutk: 'x' } },
  { name: 'SPEC R27: pairs without = are skipped', header: 'garbage; a=1', want: { a: '1' } },
];

for (const t of cases) {
  test(t.name, () => assert.deepStrictEqual({ ...parseCookies(t.header) }, t.want));
}

test('SPEC R27: a __proto__ cookie is a plain key of a null-prototype object', () => {
  const cookies = parseCookies('__proto__=x; constructor=y');
  assert.equal(Object.getPrototypeOf(cookies), null);
  assert.equal(cookies.__proto__, 'x');
  assert.equal(cookies.constructor, 'y');
});

test('SPEC R27: parseCookies never throws on odd input', () => {
  for (const header of [';;;', '=', '=x', 'a', '\u0000=\u0001', 'a=1;;b=2']) {
    assert.equal(typeof parseCookies(header), 'object');
  }
});
