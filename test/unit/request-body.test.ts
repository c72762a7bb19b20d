import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyFromParsed, parseBody } from '../../src/request/parse-body';
import { hasBody, streamConsumed } from '../../src/request/read-body';
import type { BodyKind } from '../../src/request/content-type';

const parseCases: Array<{ name: string; kind: BodyKind; raw: string; body: unknown; form: string | null }> = [
  { name: 'SPEC R23: a JSON object is parsed', kind: 'json', raw: '{"a":1,"b":[true,null]}', body: { a: 1, b: [true, null] }, form: null },
  { name: 'SPEC R23: a JSON array is parsed', kind: 'json', raw: '[1,2]', body: [1, 2], form: null },
  { name: 'SPEC R23: a JSON string is parsed', kind: 'json', raw: '"hi"', body: 'hi', form: null },
  { name: 'SPEC R23: a JSON number is parsed', kind: 'json', raw: '42', body: 42, form: null },
  { name: 'SPEC R23: JSON null is null', kind: 'json', raw: 'null', body: null, form: null },
  { name: 'SPEC R23: an empty JSON body is {}', kind: 'json', raw: '', body: {}, form: null },
  { name: 'SPEC R23: a blank JSON body is {}', kind: 'json', raw: ' \r\n\t', body: {}, form: null },
  { name: 'SPEC R23: a leading BOM is ignored (RFC 8259 §8.1)', kind: 'json', raw: '\ufeff{"a":1}', body: { a: 1 }, form: null },
  { name: 'SPEC R23: UTF-8 text survives', kind: 'json', raw: '{"city":"Zürich ✓"}', body: { city: 'Zürich ✓' }, form: null },
  { name: 'SPEC R22: a form body is {} and its text goes to params', kind: 'form', raw: 'a=1&b=2', body: {}, form: 'a=1&b=2' },
  { name: 'SPEC R22: an empty form is {} with empty text', kind: 'form', raw: '', body: {}, form: '' },
  { name: 'SPEC R22: multipart is not parsed', kind: 'multipart', raw: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--', body: {}, form: null },
  { name: 'SPEC R23: text/plain gives {}', kind: 'other', raw: 'hello', body: {}, form: null },
  { name: 'SPEC R23: no content type gives {} even with JSON-looking bytes', kind: 'none', raw: '{"a":1}', body: {}, form: null },
];

for (const t of parseCases) {
  test(t.name, () => assert.deepStrictEqual(parseBody(t.kind, Buffer.from(t.raw, 'utf8')), { body: t.body, form: t.form }));
}

const invalidJson = ['{', '{"a":1,}', "{'a':1}", 'undefined', '[1,2', '{"a":1}x', 'NaN'];
for (const raw of invalidJson) {
  test(`SPEC R23: invalid JSON ${JSON.stringify(raw)} is a 400 HSF_INVALID_JSON`, () => {
    assert.throws(() => parseBody('json', Buffer.from(raw)), (err: { code?: string; status?: number; expose?: boolean }) => {
      assert.equal(err.code, 'HSF_INVALID_JSON');
      assert.equal(err.status, 400);
      assert.equal(err.expose, true);
      return true;
    });
  });
}

/** Params are null-prototype; compare as plain data. */
function plainForm(result: { body: unknown; form: Record<string, string[]> | null }): unknown {
  return { body: result.body, form: result.form === null ? null : { ...result.form } };
}

const parsedCases: Array<{ name: string; kind: BodyKind; parsed: unknown; want: { body: unknown; form: Record<string, string[]> | null } }> = [
  { name: 'SPEC R23: express.json() object is used as the body', kind: 'json', parsed: { a: 1 }, want: { body: { a: 1 }, form: null } },
  { name: 'SPEC R23: express.json() array is used as the body', kind: 'json', parsed: [1], want: { body: [1], form: null } },
  { name: 'SPEC R23: a parsed JSON string stays a string', kind: 'json', parsed: 'abc', want: { body: 'abc', form: null } },
  { name: 'SPEC R23: a parser that left undefined gives {}', kind: 'json', parsed: undefined, want: { body: {}, form: null } },
  { name: 'SPEC R23: Express 4 `{}` for an unread JSON request is {}', kind: 'json', parsed: {}, want: { body: {}, form: null } },
  { name: 'SPEC R23: express.raw() bytes are parsed as JSON', kind: 'json', parsed: Buffer.from('{"a":2}'), want: { body: { a: 2 }, form: null } },
  { name: 'SPEC R22: urlencoded (extended: false) maps to params', kind: 'form', parsed: { a: '1', b: ['2', '3'] }, want: { body: {}, form: { a: ['1'], b: ['2', '3'] } } },
  { name: 'SPEC R21, R22: urlencoded (extended: true) nested objects flatten to a[b]', kind: 'form', parsed: { a: { b: '1', c: { d: '2' } } }, want: { body: {}, form: { 'a[b]': ['1'], 'a[c][d]': ['2'] } } },
  { name: 'SPEC R22: arrays of objects keep their index', kind: 'form', parsed: { a: [{ b: '1' }, { b: '2' }] }, want: { body: {}, form: { 'a[0][b]': ['1'], 'a[1][b]': ['2'] } } },
  { name: 'SPEC R22: non-string scalars become strings', kind: 'form', parsed: { n: 1, t: true, z: null }, want: { body: {}, form: { n: ['1'], t: ['true'], z: [''] } } },
  { name: 'SPEC R22: express.text() form text is parsed flat', kind: 'form', parsed: 'a=1&a=2&b[c]=3', want: { body: {}, form: { a: ['1', '2'], 'b[c]': ['3'] } } },
  { name: 'SPEC R22: express.raw() form bytes are parsed flat', kind: 'form', parsed: Buffer.from('x=%20y'), want: { body: {}, form: { x: [' y'] } } },
  { name: 'SPEC R22: an empty parsed form gives empty params', kind: 'form', parsed: {}, want: { body: {}, form: {} } },
  { name: 'SPEC R22: a form kind with nothing parsed gives no params', kind: 'form', parsed: undefined, want: { body: {}, form: null } },
  { name: 'SPEC R22: multipart parsed by multer is ignored', kind: 'multipart', parsed: { a: '1' }, want: { body: {}, form: null } },
  { name: 'SPEC R23: express.text() for text/plain gives {}', kind: 'other', parsed: 'hello', want: { body: {}, form: null } },
  { name: 'SPEC R23: no content type gives {}', kind: 'none', parsed: { a: 1 }, want: { body: {}, form: null } },
];

for (const t of parsedCases) {
  test(t.name, () => assert.deepStrictEqual(plainForm(bodyFromParsed(t.kind, t.parsed)), t.want));
}

test('SPEC R21: a parsed form with a __proto__ key stays a plain key', () => {
  const parsed = JSON.parse('{"__proto__":"x","a":"1"}') as unknown;
  const { form } = bodyFromParsed('form', parsed);
  assert.ok(form !== null);
  assert.equal(Object.getPrototypeOf(form), null);
  assert.deepStrictEqual(form.__proto__, ['x']);
});

test('SPEC R23: express.raw() bytes of invalid JSON are a 400 HSF_INVALID_JSON', () => {
  assert.throws(() => bodyFromParsed('json', Buffer.from('{')), { code: 'HSF_INVALID_JSON', status: 400 });
});

const hasBodyCases: Array<{ name: string; headers: Record<string, string | undefined>; want: boolean }> = [
  { name: 'SPEC R23: a GET without length or encoding has no body', headers: {}, want: false },
  { name: 'SPEC R23: content-length 0 has no body', headers: { 'content-length': '0' }, want: false },
  { name: 'SPEC R23: a positive content-length has a body', headers: { 'content-length': '12' }, want: true },
  { name: 'SPEC R23: chunked transfer-encoding has a body', headers: { 'transfer-encoding': 'chunked' }, want: true },
  { name: 'SPEC R23: a malformed content-length has no body', headers: { 'content-length': 'abc' }, want: false },
];

for (const t of hasBodyCases) {
  test(t.name, () => assert.equal(hasBody({ headers: t.headers, method: 'GET' }), t.want));
}

const consumedCases: Array<{ name: string; req: { readableEnded?: boolean; complete?: boolean; _body?: unknown }; want: boolean }> = [
  { name: 'SPEC R23: an unread stream is not consumed', req: { readableEnded: false, complete: false }, want: false },
  { name: 'SPEC R23: complete but unread (bytes buffered) is not consumed', req: { readableEnded: false, complete: true }, want: false },
  { name: 'SPEC R23: an ended stream is consumed', req: { readableEnded: true, complete: true }, want: true },
  { name: 'SPEC R23: body-parser\'s _body mark means consumed', req: { readableEnded: false, _body: true }, want: true },
  { name: 'SPEC R23: Express 4 req.body = {} without reading is not consumed', req: { readableEnded: false, complete: false, _body: undefined }, want: false },
  { name: 'SPEC R23: a stream double without readableEnded falls back to complete', req: { complete: true }, want: true },
];

for (const t of consumedCases) {
  test(t.name, () => assert.equal(streamConsumed(t.req), t.want));
}
