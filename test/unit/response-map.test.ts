import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapResponse } from '../../src/response/map-response';
import { mapAppFunctionResult } from '../../src/response/map-app-function-result';

const JSON_TYPE: [string, string] = ['content-type', 'application/json; charset=utf-8'];
const TEXT_TYPE: [string, string] = ['content-type', 'text/plain; charset=utf-8'];
const BYTES_TYPE: [string, string] = ['content-type', 'application/octet-stream'];

const cases: Array<{ name: string; value: unknown; status: number; headers: Array<[string, string]>; body: string | Buffer }> = [
  { name: 'SPEC R50: statusCode defaults to 200', value: { body: 'ok' }, status: 200, headers: [TEXT_TYPE], body: 'ok' },
  { name: 'SPEC R50: statusCode is used', value: { statusCode: 201, body: { id: 1 } }, status: 201, headers: [JSON_TYPE], body: '{"id":1}' },
  { name: 'SPEC R50: statusCode null is the default 200', value: { statusCode: null, body: 'x' }, status: 200, headers: [TEXT_TYPE], body: 'x' },
  { name: 'SPEC R50: a 3-digit string statusCode is read as a number', value: { statusCode: '404', body: 'nf' }, status: 404, headers: [TEXT_TYPE], body: 'nf' },
  { name: 'SPEC R51: an object body is JSON', value: { statusCode: 200, body: { a: [1, 'b'] } }, status: 200, headers: [JSON_TYPE], body: '{"a":[1,"b"]}' },
  { name: 'SPEC R51: an array body is JSON', value: { body: [1, 2] }, status: 200, headers: [JSON_TYPE], body: '[1,2]' },
  { name: 'SPEC R51: a number body is JSON', value: { body: 42 }, status: 200, headers: [JSON_TYPE], body: '42' },
  { name: 'SPEC R51: a boolean body is JSON', value: { body: false }, status: 200, headers: [JSON_TYPE], body: 'false' },
  { name: 'SPEC R51: a null body is JSON null', value: { body: null }, status: 200, headers: [JSON_TYPE], body: 'null' },
  { name: 'SPEC R51: a Date inside a body uses toJSON', value: { body: { d: new Date(0) } }, status: 200, headers: [JSON_TYPE], body: '{"d":"1970-01-01T00:00:00.000Z"}' },
  { name: 'SPEC R51: undefined members are dropped as JSON does', value: { body: { a: undefined, b: 1 } }, status: 200, headers: [JSON_TYPE], body: '{"b":1}' },
  { name: 'SPEC R51: a string body is sent as is with text/plain', value: { body: '<p>é</p>' }, status: 200, headers: [TEXT_TYPE], body: '<p>é</p>' },
  { name: 'SPEC R51: a JSON-looking string is not re-encoded', value: { body: '{"a":1}' }, status: 200, headers: [TEXT_TYPE], body: '{"a":1}' },
  { name: 'SPEC R51: an empty string body is empty with text/plain', value: { statusCode: 200, body: '' }, status: 200, headers: [TEXT_TYPE], body: '' },
  {
    name: 'SPEC R51: a string body keeps the function\'s content type (any case)',
    value: { body: '<b>x</b>', headers: { 'CONTENT-TYPE': 'text/html' } },
    status: 200, headers: [['CONTENT-TYPE', 'text/html']], body: '<b>x</b>',
  },
  {
    name: 'SPEC R51: a JSON body keeps the function\'s content type',
    value: { body: { a: 1 }, headers: { 'Content-Type': 'application/vnd.api+json' } },
    status: 200, headers: [['Content-Type', 'application/vnd.api+json']], body: '{"a":1}',
  },
  { name: 'SPEC R51: a Buffer body is bytes with octet-stream', value: { body: Buffer.from([0, 255, 1]) }, status: 200, headers: [BYTES_TYPE], body: Buffer.from([0, 255, 1]) },
  { name: 'SPEC R51: a Uint8Array body is bytes', value: { body: new Uint8Array([9, 8]) }, status: 200, headers: [BYTES_TYPE], body: Buffer.from([9, 8]) },
  {
    name: 'SPEC R51: a Buffer body keeps the function\'s content type',
    value: { body: Buffer.from('GIF89a'), headers: { 'content-type': 'image/gif' } },
    status: 200, headers: [['content-type', 'image/gif']], body: 'GIF89a',
  },
  { name: 'SPEC R51: an undefined body is empty with no content type', value: { statusCode: 204, body: undefined }, status: 204, headers: [], body: '' },
  { name: 'SPEC R51: a response with only statusCode has an empty body', value: { statusCode: 302, headers: { Location: '/x' } }, status: 302, headers: [['Location', '/x']], body: '' },
  { name: 'SPEC R51: a plain array result is the JSON body of a 200', value: [{ id: 1 }], status: 200, headers: [JSON_TYPE], body: '[{"id":1}]' },
  { name: 'SPEC R51: a plain object without statusCode or body is the JSON body of a 200', value: { results: [1], total: 1 }, status: 200, headers: [JSON_TYPE], body: '{"results":[1],"total":1}' },
  { name: 'SPEC R51: a string statusCode without body is data, not a response', value: { statusCode: '404' }, status: 200, headers: [JSON_TYPE], body: '{"statusCode":"404"}' },
  { name: 'SPEC R51: a bare string result is a text/plain 200', value: 'hello', status: 200, headers: [TEXT_TYPE], body: 'hello' },
  { name: 'SPEC R51: a bare number result is a JSON 200', value: 7, status: 200, headers: [JSON_TYPE], body: '7' },
  { name: 'SPEC R51: a bare null result is JSON null', value: null, status: 200, headers: [JSON_TYPE], body: 'null' },
  { name: 'SPEC R51: a bare Buffer result is bytes', value: Buffer.from('b'), status: 200, headers: [BYTES_TYPE], body: 'b' },
  {
    name: 'SPEC R50: header values are stringified, names keep their casing and order',
    value: { body: 'x', headers: { 'X-Count': 3, 'x-flag': true, 'Cache-Control': 'no-store' } },
    status: 200, headers: [['X-Count', '3'], ['x-flag', 'true'], ['Cache-Control', 'no-store'], TEXT_TYPE], body: 'x',
  },
  {
    name: 'SPEC R50: undefined and null header values are skipped',
    value: { body: 'x', headers: { 'X-A': undefined, 'X-B': null, 'X-C': 'c' } },
    status: 200, headers: [['X-C', 'c'], TEXT_TYPE], body: 'x',
  },
  {
    name: 'SPEC R50: multiValueHeaders give one line per value',
    value: { body: 'x', multiValueHeaders: { 'X-Multi': ['a', 'b', 3] } },
    status: 200, headers: [['X-Multi', 'a'], ['X-Multi', 'b'], ['X-Multi', '3'], TEXT_TYPE], body: 'x',
  },
  {
    name: 'SPEC R54: a multiValueHeaders name replaces the same name in headers, case-insensitively',
    value: { body: 'x', headers: { 'x-multi': 'gone', 'X-Keep': 'k' }, multiValueHeaders: { 'X-Multi': ['a', 'b'] } },
    status: 200, headers: [['X-Keep', 'k'], ['X-Multi', 'a'], ['X-Multi', 'b'], TEXT_TYPE], body: 'x',
  },
  {
    name: 'SPEC R54: a multiValueHeaders content type replaces the headers one',
    value: { body: 'x', headers: { 'Content-Type': 'text/html' }, multiValueHeaders: { 'content-type': ['text/csv'] } },
    status: 200, headers: [['content-type', 'text/csv']], body: 'x',
  },
  {
    name: 'SPEC R54: a top-level Set-Cookie string is added to headers and multiValueHeaders cookies',
    value: { body: 'x', headers: { 'Set-Cookie': 'a=1' }, 'Set-Cookie': 'c=3' },
    status: 200, headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'c=3'], TEXT_TYPE], body: 'x',
  },
  {
    name: 'SPEC R54: a top-level Set-Cookie array adds one line per cookie after multiValueHeaders',
    value: { body: 'x', multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] }, 'Set-Cookie': ['c=3', 'd=4'] },
    status: 200, headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['Set-Cookie', 'c=3'], ['Set-Cookie', 'd=4'], TEXT_TYPE], body: 'x',
  },
  {
    name: 'SPEC R50: a redirect passes its Location through',
    value: { statusCode: 301, headers: { Location: 'https://example.com/new?a=1' }, body: '' },
    status: 301, headers: [['Location', 'https://example.com/new?a=1'], TEXT_TYPE], body: '',
  },
  {
    name: 'SPEC R50: a header given as an array gives one line per value',
    value: { body: 'x', headers: { 'Set-Cookie': ['a=1', 'b=2'] } },
    status: 200, headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], TEXT_TYPE], body: 'x',
  },
  { name: 'SPEC R50: a 599 status is valid', value: { statusCode: 599, body: 'x' }, status: 599, headers: [TEXT_TYPE], body: 'x' },
  { name: 'SPEC R50: a 200 status is valid', value: { statusCode: 200 }, status: 200, headers: [], body: '' },
];

for (const t of cases) {
  test(t.name, () => {
    const mapped = mapResponse(t.value);
    assert.equal(mapped.statusCode, t.status);
    assert.deepStrictEqual(mapped.headers, t.headers);
    assert.ok(Buffer.isBuffer(mapped.body));
    assert.deepStrictEqual(mapped.body, Buffer.isBuffer(t.body) ? t.body : Buffer.from(t.body, 'utf8'));
  });
}

const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

const invalidCases: Array<{ name: string; value: unknown; code: string }> = [
  { name: 'SPEC R52: a cycle in the body is HSF_RESPONSE_INVALID', value: { body: cyclic }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a cycle in a bare result is HSF_RESPONSE_INVALID', value: [cyclic], code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a BigInt in the body is HSF_RESPONSE_INVALID', value: { body: { n: 10n } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a BigInt body is HSF_RESPONSE_INVALID', value: { body: 1n }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a function in the body is HSF_RESPONSE_INVALID', value: { body: { f: () => 1 } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a function in a body array is HSF_RESPONSE_INVALID', value: { body: [1, () => 1] }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a function body is HSF_RESPONSE_INVALID', value: { body: () => 1 }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a bare function result is HSF_RESPONSE_INVALID', value: () => 1, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a symbol in the body is HSF_RESPONSE_INVALID', value: { body: { s: Symbol('x') } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a throwing toJSON is HSF_RESPONSE_INVALID', value: { body: { toJSON() { throw new Error('no'); } } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: statusCode 99 is HSF_RESPONSE_INVALID', value: { statusCode: 99, body: 'x' }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: statusCode 100 (an interim response) is HSF_RESPONSE_INVALID', value: { statusCode: 100, body: 'x' }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: statusCode 101 is HSF_RESPONSE_INVALID', value: { statusCode: 101 }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: statusCode 103 is HSF_RESPONSE_INVALID', value: { statusCode: 103, headers: { Link: '</a.css>; rel=preload' } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: statusCode "199" is HSF_RESPONSE_INVALID', value: { statusCode: '199', body: 'x' }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: statusCode 600 is HSF_RESPONSE_INVALID', value: { statusCode: 600, body: 'x' }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a fractional statusCode is HSF_RESPONSE_INVALID', value: { statusCode: 200.5 }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: NaN statusCode is HSF_RESPONSE_INVALID', value: { statusCode: NaN }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a non-numeric statusCode with a body is HSF_RESPONSE_INVALID', value: { statusCode: 'OK', body: 'x' }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a header value with CR LF is HSF_RESPONSE_INVALID', value: { body: 'x', headers: { 'X-A': 'a\r\nInjected: 1' } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a header name with a space is HSF_RESPONSE_INVALID', value: { body: 'x', headers: { 'Bad Name': 'v' } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: an empty header name is HSF_RESPONSE_INVALID', value: { body: 'x', headers: { '': 'v' } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: an object header value is HSF_RESPONSE_INVALID', value: { body: 'x', headers: { 'X-A': { b: 1 } } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: an invalid multiValueHeaders value is HSF_RESPONSE_INVALID', value: { body: 'x', multiValueHeaders: { 'X-A': ['ok', 'bad\n'] } }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: an invalid top-level Set-Cookie is HSF_RESPONSE_INVALID', value: { body: 'x', 'Set-Cookie': 'a=1\r\nX: y' }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: headers that are not an object are HSF_RESPONSE_INVALID', value: { body: 'x', headers: 'X-A: 1' }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R52: a body over 6 MB is HSF_RESPONSE_TOO_LARGE', value: { body: 'x'.repeat(6_291_457) }, code: 'HSF_RESPONSE_TOO_LARGE' },
  { name: 'SPEC R52: a JSON body over 6 MB is HSF_RESPONSE_TOO_LARGE', value: { body: ['x'.repeat(6_291_456)] }, code: 'HSF_RESPONSE_TOO_LARGE' },
  { name: 'SPEC R52: a Buffer over 6 MB is HSF_RESPONSE_TOO_LARGE', value: { body: Buffer.alloc(6_291_457) }, code: 'HSF_RESPONSE_TOO_LARGE' },
];

for (const t of invalidCases) {
  test(t.name, () => {
    assert.throws(() => mapResponse(t.value), (err: { code?: string; status?: number; message?: string }) => {
      assert.equal(err.code, t.code);
      assert.equal(err.status, 500);
      assert.ok(typeof err.message === 'string' && err.message.length > 0);
      return true;
    });
  });
}

test('SPEC R52: a body of exactly 6 MB is accepted', () => {
  assert.equal(mapResponse({ body: Buffer.alloc(6_291_456) }).body.length, 6_291_456);
});

test('SPEC R52: the invalid-header message names the header', () => {
  assert.throws(() => mapResponse({ body: 'x', headers: { 'X-Broken': 'a\nb' } }), (err: Error) => err.message.includes('X-Broken'));
});

test('SPEC R52: the function-in-body message names the key', () => {
  assert.throws(() => mapResponse({ body: { callback: () => 1 } }), (err: Error) => err.message.includes('callback'));
});

const appCases: Array<{ name: string; value: unknown; body: string; want: unknown }> = [
  { name: 'SPEC R40: an app function result is JSON round-tripped', value: { a: 1, d: new Date(0), u: undefined }, body: '{"a":1,"d":"1970-01-01T00:00:00.000Z"}', want: { a: 1, d: '1970-01-01T00:00:00.000Z' } },
  { name: 'SPEC R40: undefined becomes null', value: undefined, body: 'null', want: null },
  { name: 'SPEC R40: a string result is a JSON string', value: 'ok', body: '"ok"', want: 'ok' },
  { name: 'SPEC R40: an array result is kept', value: [1, { b: 2 }], body: '[1,{"b":2}]', want: [1, { b: 2 }] },
  { name: 'SPEC R40: a response-shaped result is data, not a response', value: { statusCode: 404, body: 'x' }, body: '{"statusCode":404,"body":"x"}', want: { statusCode: 404, body: 'x' } },
];

for (const t of appCases) {
  test(t.name, () => {
    const { response, value } = mapAppFunctionResult(t.value);
    assert.equal(response.statusCode, 200);
    assert.deepStrictEqual(response.headers, [JSON_TYPE]);
    assert.equal(response.body.toString('utf8'), t.body);
    assert.deepStrictEqual(value, t.want);
  });
}

const appInvalid: Array<{ name: string; value: unknown; code: string }> = [
  { name: 'SPEC R40, R52: a cyclic app function result is HSF_RESPONSE_INVALID', value: cyclic, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R40, R52: a BigInt app function result is HSF_RESPONSE_INVALID', value: { n: 1n }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R40, R52: a function in an app function result is HSF_RESPONSE_INVALID', value: { f() {} }, code: 'HSF_RESPONSE_INVALID' },
  { name: 'SPEC R40, R52: an app function result over 6 MB is HSF_RESPONSE_TOO_LARGE', value: 'x'.repeat(6_291_455), code: 'HSF_RESPONSE_TOO_LARGE' },
];

for (const t of appInvalid) {
  test(t.name, () => assert.throws(() => mapAppFunctionResult(t.value), { code: t.code }));
}
