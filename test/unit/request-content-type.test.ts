import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyContentType } from '../../src/request/content-type';

const cases: Array<{ name: string; header: string | undefined; want: ReturnType<typeof classifyContentType> }> = [
  { name: 'SPEC R23: application/json is json', header: 'application/json', want: 'json' },
  { name: 'SPEC R23: json with a charset parameter', header: 'application/json; charset=utf-8', want: 'json' },
  { name: 'SPEC R23: json in any case', header: 'Application/JSON;Charset=UTF-8', want: 'json' },
  { name: 'SPEC R23: json with surrounding spaces', header: '  application/json  ', want: 'json' },
  { name: 'SPEC R23: a +json suffix is json', header: 'application/vnd.api+json', want: 'json' },
  { name: 'SPEC R23: problem+json with parameters is json', header: 'application/problem+json; charset=utf-8', want: 'json' },
  { name: 'SPEC R23: +json under another top-level type is json', header: 'text/x-custom+json', want: 'json' },
  { name: 'SPEC R23: text/json is not a JSON type', header: 'text/json', want: 'other' },
  { name: 'SPEC R23: application/jsonx is not json', header: 'application/jsonx', want: 'other' },
  { name: 'SPEC R23: a bare word is not json', header: 'json', want: 'other' },
  { name: 'SPEC R22: urlencoded is form', header: 'application/x-www-form-urlencoded', want: 'form' },
  { name: 'SPEC R22: urlencoded with charset in any case is form', header: 'Application/X-WWW-Form-URLencoded; charset=UTF-8', want: 'form' },
  { name: 'SPEC R22: multipart/form-data is multipart', header: 'multipart/form-data; boundary=----x', want: 'multipart' },
  { name: 'SPEC R22: other multipart types are multipart', header: 'multipart/mixed; boundary=b', want: 'multipart' },
  { name: 'SPEC R23: text/plain is other', header: 'text/plain', want: 'other' },
  { name: 'SPEC R23: octet-stream is other', header: 'application/octet-stream', want: 'other' },
  { name: 'SPEC R23: a malformed media type is other', header: 'application/ json', want: 'other' },
  { name: 'SPEC R23: no header is none', header: undefined, want: 'none' },
  { name: 'SPEC R23: an empty header is none', header: '', want: 'none' },
  { name: 'SPEC R23: only parameters is none', header: '; charset=utf-8', want: 'none' },
];

for (const t of cases) {
  test(t.name, () => assert.equal(classifyContentType(t.header), t.want));
}
