import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, redactionsFor, redactStrings } from '../../src/env/redactions';
import { serializeError } from '../../src/invoke/serialize-error';

test('SPEC R33: redactionsFor keeps values of 4+ characters, longest first', () => {
  assert.deepStrictEqual(
    redactionsFor({ SHORT: 'abc', EMPTY: '', NONE: undefined, KEY: 'abcd', LONG: 'abcdefgh' }),
    [['LONG', 'abcdefgh'], ['KEY', 'abcd']],
  );
});

const cases: Array<{ name: string; text: string; secrets: Record<string, string>; want: string }> = [
  { name: 'every occurrence is replaced', text: 'key=s3cr3t and again s3cr3t', secrets: { API_KEY: 's3cr3t' }, want: 'key=[REDACTED:API_KEY] and again [REDACTED:API_KEY]' },
  { name: 'a secret that contains another is replaced whole', text: 'token abcd-efgh', secrets: { INNER: 'abcd', OUTER: 'abcd-efgh' }, want: 'token [REDACTED:OUTER]' },
  { name: 'values under 4 characters stay', text: 'pin 123', secrets: { PIN: '123' }, want: 'pin 123' },
  { name: 'replacement patterns in a value are literal', text: 'x$&$1y', secrets: { ODD: '$&$1' }, want: 'x[REDACTED:ODD]y' },
  { name: 'text without secrets is unchanged', text: 'nothing here', secrets: { API_KEY: 's3cr3t' }, want: 'nothing here' },
];

for (const t of cases) {
  test(`SPEC R33: ${t.name}`, () => {
    assert.equal(redact(t.text, redactionsFor(t.secrets)), t.want);
  });
}

test('SPEC R33: no redactions returns the same string', () => {
  const text = 'a'.repeat(100);
  assert.equal(redact(text, []), text);
});

test('SPEC R33 R60: serializeError redacts the message and every stack line', () => {
  const redactions = redactionsFor({ API_KEY: 'sk-live-123456' });
  const error = new Error('request failed with sk-live-123456');
  const serialized = serializeError(error, redactions);
  assert.equal(serialized.type, 'Error');
  assert.equal(serialized.message, 'request failed with [REDACTED:API_KEY]');
  assert.equal(serialized.stackTrace[0], 'Error: request failed with [REDACTED:API_KEY]');
  assert.ok(serialized.stackTrace.length > 1);
  assert.ok(serialized.stackTrace.every((line) => !line.includes('sk-live-123456')));
});

test('SPEC R33: redactStrings redacts every string of a record, nested and in arrays, without mutating it', () => {
  const redactions = redactionsFor({ API_KEY: 'sk-live-123456' });
  const record = {
    id: 'r1',
    statusCode: 500,
    error: { type: 'KeyError(sk-live-123456)', message: 'm', stackTrace: ['at sk-live-123456', 'at x'] },
    extra: [{ deep: 'x sk-live-123456 y' }, 7, null],
  };
  const out = redactStrings(record, redactions);
  assert.equal(out.error.type, 'KeyError([REDACTED:API_KEY])');
  assert.deepEqual(out.error.stackTrace, ['at [REDACTED:API_KEY]', 'at x']);
  assert.deepEqual(out.extra, [{ deep: 'x [REDACTED:API_KEY] y' }, 7, null]);
  assert.equal(out.statusCode, 500);
  assert.doesNotMatch(JSON.stringify(out), /sk-live-123456/);
  assert.equal(record.error.type, 'KeyError(sk-live-123456)', 'the input is not changed');
  const clean = { a: 'nothing secret', b: ['x'] };
  assert.equal(redactStrings(clean, redactions), clean, 'an object with nothing to redact is returned as is');
});
