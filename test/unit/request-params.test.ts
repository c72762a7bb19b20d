import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeFormParams, parseParams } from '../../src/request/parse-params';

/** Compares params as plain data (they are null-prototype objects). */
function plain(params: Record<string, string[]>): Record<string, string[]> {
  return { ...params };
}

const parseCases: Array<{ name: string; q: string; want: Record<string, string[]> }> = [
  { name: 'SPEC R21: no query gives {}', q: '', want: {} },
  { name: 'SPEC R21: a lone ? gives {}', q: '?', want: {} },
  { name: 'SPEC R21: repeated keys keep every value in order', q: '?a=1&a=2&b=', want: { a: ['1', '2'], b: [''] } },
  { name: 'SPEC R21: works without the leading ?', q: 'a=1&a=2', want: { a: ['1', '2'] } },
  { name: 'SPEC R21: a key without = has an empty value', q: '?flag', want: { flag: [''] } },
  { name: 'SPEC R21: empty value and empty key', q: '?=x&b=', want: { '': ['x'], b: [''] } },
  { name: 'SPEC R21: + decodes to a space', q: '?q=a+b', want: { q: ['a b'] } },
  { name: 'SPEC R21: %20 decodes to a space', q: '?q=a%20b', want: { q: ['a b'] } },
  { name: 'SPEC R21: %2B stays a plus', q: '?q=a%2Bb', want: { q: ['a+b'] } },
  { name: 'SPEC R21: UTF-8 percent escapes decode', q: '?city=Z%C3%BCrich', want: { city: ['Zürich'] } },
  { name: 'SPEC R21: a[b] is the flat key a[b]', q: '?a[b]=1&a[c]=2', want: { 'a[b]': ['1'], 'a[c]': ['2'] } },
  { name: 'SPEC R21: a[] is the flat key a[]', q: '?a[]=1&a[]=2', want: { 'a[]': ['1', '2'] } },
  { name: 'SPEC R21: encoded brackets decode into the key', q: '?a%5Bb%5D=1', want: { 'a[b]': ['1'] } },
  { name: 'SPEC R21: values keep = after the first', q: '?t=a=b', want: { t: ['a=b'] } },
  { name: 'SPEC R21: empty pairs are skipped', q: '?a=1&&b=2&', want: { a: ['1'], b: ['2'] } },
  { name: 'SPEC R14: portalid is an ordinary key', q: '?portalid=123&x=1', want: { portalid: ['123'], x: ['1'] } },
];

for (const t of parseCases) {
  test(t.name, () => assert.deepStrictEqual(plain(parseParams(t.q)), t.want));
}

test('SPEC R21: __proto__ and constructor are plain keys, never pollution', () => {
  const params = parseParams('?__proto__=x&constructor=y&toString=z&hasOwnProperty=w');
  assert.equal(Object.getPrototypeOf(params), null);
  assert.deepStrictEqual(params.__proto__, ['x']);
  assert.deepStrictEqual(params.constructor, ['y']);
  assert.deepStrictEqual(params.toString, ['z']);
  assert.deepStrictEqual(Object.keys(params), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('SPEC R21: a key absent from the query reads as undefined (null prototype)', () => {
  const params = parseParams('?a=1');
  assert.equal(params.constructor, undefined);
  assert.equal(Object.getPrototypeOf(params), null);
});

const mergeCases: Array<{ name: string; q: string; form: string; want: Record<string, string[]> }> = [
  { name: 'SPEC R22: form fields come after query values of the same key', q: '?a=q1', form: 'a=f1&a=f2', want: { a: ['q1', 'f1', 'f2'] } },
  { name: 'SPEC R22: new form keys are added after the query keys', q: '?a=1', form: 'b=2&a=3', want: { a: ['1', '3'], b: ['2'] } },
  { name: 'SPEC R22: an empty form leaves the query', q: '?a=1', form: '', want: { a: ['1'] } },
  { name: 'SPEC R22: form into an empty query', q: '', form: 'name=Jane+Doe&email=j%40x.io', want: { name: ['Jane Doe'], email: ['j@x.io'] } },
  { name: 'SPEC R22: form keys are flat like the query', q: '', form: 'a[b]=1', want: { 'a[b]': ['1'] } },
];

for (const t of mergeCases) {
  test(t.name, () => assert.deepStrictEqual(plain(mergeFormParams(parseParams(t.q), t.form)), t.want));
}

test('SPEC R22: merging does not change the query params it was given', () => {
  const query = parseParams('?a=1');
  const merged = mergeFormParams(query, 'a=2');
  assert.deepStrictEqual(plain(query), { a: ['1'] });
  assert.deepStrictEqual(plain(merged), { a: ['1', '2'] });
  assert.equal(Object.getPrototypeOf(merged), null);
});

test('SPEC R22: already-parsed form params merge the same way', () => {
  const form = parseParams('a=2&__proto__=p');
  const merged = mergeFormParams(parseParams('?a=1'), form);
  assert.deepStrictEqual(Object.keys(merged), ['a', '__proto__']);
  assert.deepStrictEqual(merged.a, ['1', '2']);
  assert.deepStrictEqual(merged.__proto__, ['p']);
});
