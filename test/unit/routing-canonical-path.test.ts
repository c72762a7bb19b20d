// SPEC R11: the canonical percent-encoding of configured paths, and request paths compared as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalPath, normalizeEscapes } from '../../src/routing/canonical-path';

const canonical: Array<{ name: string; literal: string; want: string }> = [
  { name: 'plain ASCII stays', literal: '/_hcms/api/events/update', want: '/_hcms/api/events/update' },
  { name: 'a space is %20', literal: '/a b', want: '/a%20b' },
  { name: 'non-ASCII is UTF-8 bytes, upper-case hex', literal: '/café', want: '/caf%C3%A9' },
  { name: 'an astral code point is four bytes', literal: '/😀', want: '/%F0%9F%98%80' },
  { name: 'braces, quotes, angle brackets and backtick are encoded', literal: '/{x}"<>`', want: '/%7Bx%7D%22%3C%3E%60' },
  { name: '# and ? are encoded (they would end the path)', literal: '/a#b?c', want: '/a%23b%3Fc' },
  { name: ':, *, @, + and ! are not', literal: '/:id/*/@+!', want: '/:id/*/@+!' },
  { name: 'an existing escape is kept, its hex upper-cased', literal: '/odd%2fname%20x', want: '/odd%2Fname%20x' },
  { name: 'a stray % is kept as typed', literal: '/50%off', want: '/50%off' },
  { name: 'a trailing % is kept', literal: '/x%', want: '/x%' },
];
for (const t of canonical) {
  test(`SPEC R11: canonicalPath: ${t.name}`, () => assert.equal(canonicalPath(t.literal), t.want));
}

const normalized: Array<{ name: string; path: string; want: string }> = [
  { name: 'no escape: the same string', path: '/a/b', want: '/a/b' },
  { name: 'lower-case hex is upper-cased', path: '/caf%c3%a9', want: '/caf%C3%A9' },
  { name: 'an escaped slash stays an escape', path: '/a%2fb', want: '/a%2Fb' },
  { name: 'an escaped letter is not decoded', path: '/%61dmin', want: '/%61dmin' },
  { name: 'a stray % is left alone', path: '/50%off%', want: '/50%off%' },
];
for (const t of normalized) {
  test(`SPEC R11: normalizeEscapes: ${t.name}`, () => assert.equal(normalizeEscapes(t.path), t.want));
}

test('SPEC R11: normalizeEscapes is linear: 200,000 escapes in one path', () => {
  const path = '/' + '%2f'.repeat(200_000);
  assert.equal(normalizeEscapes(path), '/' + '%2F'.repeat(200_000));
});
