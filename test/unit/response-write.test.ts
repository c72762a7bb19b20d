import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { MappedResponse } from '../../src/definitions';
import { mapResponse } from '../../src/response/map-response';
import { writeResponse } from '../../src/response/write-response';
import { errorBody, writeErrorResponse, type AnsweredError } from '../../src/response/error-response';

/**
 * Serves one raw HTTP/1.1 request through `handler` on 127.0.0.1 and returns the raw response
 * text, without its Date line (the only part that varies).
 */
async function exchange(handler: http.RequestListener, method = 'GET'): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(`${method} /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', reject);
    });
    return raw.replace(/^Date: [^\r]*\r\n/m, '');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const cases: Array<{
  name: string;
  response: MappedResponse;
  method?: string;
  extra?: Array<[string, string]>;
  before?: (res: http.ServerResponse) => void;
  want: string;
}> = [
  {
    name: 'SPEC R54: status, headers in order, extra headers, content-length and body, nothing else',
    response: mapResponse({ statusCode: 201, body: { id: 1 }, headers: { 'X-Custom': 'a' } }),
    extra: [['x-request-id', 'req-1']],
    want: 'HTTP/1.1 201 Created\r\nX-Custom: a\r\ncontent-type: application/json; charset=utf-8\r\nx-request-id: req-1\r\ncontent-length: 8\r\nConnection: close\r\n\r\n{"id":1}',
  },
  {
    name: 'SPEC R50, R54: repeated Set-Cookie names are separate header lines',
    response: mapResponse({ body: 'x', multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, 'Set-Cookie': 'c=3' }),
    want: 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nSet-Cookie: c=3\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 1\r\nConnection: close\r\n\r\nx',
  },
  {
    name: 'SPEC R54: repeated Set-Cookie lines survive when the host app set headers first',
    response: mapResponse({ body: 'x', 'Set-Cookie': ['a=1', 'b=2'] }),
    before: (res) => res.setHeader('X-Powered-By', 'Express'),
    want: 'HTTP/1.1 200 OK\r\nX-Powered-By: Express\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 1\r\nConnection: close\r\n\r\nx',
  },
  {
    name: 'SPEC R54: a host header stays unless the function sets the same name; then the function wins',
    response: mapResponse({ body: 'x', headers: { 'cache-control': 'no-store' } }),
    before: (res) => {
      res.setHeader('X-Host-Only', 'kept');
      res.setHeader('Cache-Control', 'public, max-age=60');
    },
    want: 'HTTP/1.1 200 OK\r\nX-Host-Only: kept\r\ncache-control: no-store\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 1\r\nConnection: close\r\n\r\nx',
  },
  {
    name: 'SPEC R54: a host Content-Length set earlier never contradicts the body',
    response: mapResponse({ body: 'abc' }),
    before: (res) => res.setHeader('Content-Length', '999'),
    want: 'HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 3\r\nConnection: close\r\n\r\nabc',
  },
  {
    name: 'SPEC R54: the function\'s own Content-Length is replaced by the real one',
    response: mapResponse({ body: 'abc', headers: { 'Content-Length': '10' } }),
    want: 'HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 3\r\nConnection: close\r\n\r\nabc',
  },
  {
    name: 'SPEC R63: extra headers replace the function\'s of the same name (x-request-id)',
    response: mapResponse({ body: 'x', headers: { 'X-Request-Id': 'spoofed' } }),
    extra: [['x-request-id', 'real']],
    want: 'HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\nx-request-id: real\r\ncontent-length: 1\r\nConnection: close\r\n\r\nx',
  },
  {
    name: 'SPEC R53: an extra Vary adds to the function\'s Vary',
    response: mapResponse({ body: 'x', headers: { Vary: 'Accept-Encoding' } }),
    extra: [['vary', 'Origin']],
    want: 'HTTP/1.1 200 OK\r\nVary: Accept-Encoding\r\ncontent-type: text/plain; charset=utf-8\r\nvary: Origin\r\ncontent-length: 1\r\nConnection: close\r\n\r\nx',
  },
  {
    name: 'SPEC R13: HEAD sends the headers and content-length without the body',
    response: mapResponse({ body: 'hello' }),
    method: 'HEAD',
    want: 'HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 5\r\nConnection: close\r\n\r\n',
  },
  {
    name: 'SPEC R54: a 204 carries no body and no content-length',
    response: mapResponse({ statusCode: 204 }),
    want: 'HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n',
  },
  {
    name: 'SPEC R50: a redirect writes its Location',
    response: mapResponse({ statusCode: 302, headers: { Location: '/next' } }),
    want: 'HTTP/1.1 302 Found\r\nLocation: /next\r\ncontent-length: 0\r\nConnection: close\r\n\r\n',
  },
  {
    name: 'SPEC R54: an empty 200 has content-length 0',
    response: mapResponse({ statusCode: 200, body: undefined }),
    want: 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nConnection: close\r\n\r\n',
  },
  {
    name: 'SPEC R51: binary bodies are written byte for byte',
    response: mapResponse({ body: Buffer.from([0x00, 0xff, 0x0d, 0x0a]) }),
    want: 'HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 4\r\nConnection: close\r\n\r\n\u0000\u00ff\r\n',
  },
  ...[256, 16 * 1024, 16 * 1024 + 1, 64 * 1024].map((size) => {
    // Every byte value, on both sides of the size up to which the body leaves with the head in one write.
    const body = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 256));
    return {
      name: `SPEC R51, R54: a ${size}-byte body of every byte value is written byte for byte`,
      response: mapResponse({ body }),
      want: `HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${size}\r\nConnection: close\r\n\r\n${body.toString('latin1')}`,
    };
  }),
  {
    name: 'SPEC R51, R54: a string body outside latin1 leaves as its UTF-8 bytes',
    response: mapResponse({ body: 'žluť 🎉 ok' }),
    want: `HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 14\r\nConnection: close\r\n\r\n${Buffer.from('žluť 🎉 ok').toString('latin1')}`,
  },
];

for (const t of cases) {
  test(t.name, async () => {
    const got = await exchange((req, res) => {
      t.before?.(res);
      writeResponse(res, t.response, { head: req.method === 'HEAD', extraHeaders: t.extra });
    }, t.method);
    assert.equal(got, t.want);
  });
}

for (const [label, body] of [['non-ASCII', Buffer.from([0x7b, 0xc3, 0xa9, 0xff, 0x00, 0x7d])], ['ASCII', Buffer.from('{"ok":true}')]] as const) {
  test(`SPEC R54: a ${label} body stays byte for byte under a host middleware that wraps res.end() and drops its encoding`, async () => {
    const got = await exchange((req, res) => {
      // A common logging wrapper: it passes the chunk on, but not the encoding.
      const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
      res.end = ((chunk?: unknown) => end(chunk)) as typeof res.end;
      writeResponse(res, mapResponse({ body }), { head: req.method === 'HEAD' });
    });
    assert.equal(got, `HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString('latin1')}`);
  });
}

test('SPEC R54: writeResponse does nothing once headers were sent', async () => {
  const got = await exchange((_req, res) => {
    res.writeHead(418, { 'content-length': '2' });
    writeResponse(res, mapResponse({ body: 'ignored' }), { head: false });
    res.end('ok');
  });
  assert.equal(got, 'HTTP/1.1 418 I\'m a Teapot\r\ncontent-length: 2\r\nConnection: close\r\n\r\nok');
});

const errorCases: Array<{
  name: string;
  error: AnsweredError;
  production: boolean;
  method?: string;
  want: string;
}> = [
  {
    name: 'SPEC R48: a 400 is JSON { code, message, requestId } with x-request-id',
    error: { code: 'HSF_INVALID_JSON', message: 'bad json', status: 400 },
    production: true,
    want: 'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\nx-request-id: r-1\r\ncontent-length: 66\r\nConnection: close\r\n\r\n{"code":"HSF_INVALID_JSON","message":"bad json","requestId":"r-1"}',
  },
  {
    name: 'SPEC R48, R13: a 405 carries its Allow header',
    error: { code: 'HSF_METHOD_NOT_ALLOWED', message: 'use GET', status: 405, headers: [['Allow', 'GET, HEAD, OPTIONS']] },
    production: false,
    want: 'HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json; charset=utf-8\r\nAllow: GET, HEAD, OPTIONS\r\nx-request-id: r-1\r\ncontent-length: 71\r\nConnection: close\r\n\r\n{"code":"HSF_METHOD_NOT_ALLOWED","message":"use GET","requestId":"r-1"}',
  },
  {
    name: 'SPEC R48, R55: a 429 carries Retry-After',
    error: { code: 'HSF_RATE_LIMITED', message: 'over budget', status: 429, headers: [['Retry-After', '12']] },
    production: true,
    want: 'HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json; charset=utf-8\r\nRetry-After: 12\r\nx-request-id: r-1\r\ncontent-length: 69\r\nConnection: close\r\n\r\n{"code":"HSF_RATE_LIMITED","message":"over budget","requestId":"r-1"}',
  },
  {
    name: 'SPEC R48: under production a 5xx message is generic and names the request id',
    error: { code: 'HSF_FUNCTION_ERROR', message: 'TypeError: secret stuff\n    at main', status: 500 },
    production: true,
    want: 'HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json; charset=utf-8\r\nx-request-id: r-1\r\ncontent-length: 98\r\nConnection: close\r\n\r\n{"code":"HSF_FUNCTION_ERROR","message":"Internal error; see the log record r-1","requestId":"r-1"}',
  },
  {
    name: 'SPEC R48: a HEAD error sends headers and content-length only',
    error: { code: 'HSF_TIMEOUT', message: 'slow', status: 504 },
    production: false,
    method: 'HEAD',
    want: 'HTTP/1.1 504 Gateway Timeout\r\ncontent-type: application/json; charset=utf-8\r\nx-request-id: r-1\r\ncontent-length: 57\r\nConnection: close\r\n\r\n',
  },
];

for (const t of errorCases) {
  test(t.name, async () => {
    const got = await exchange((req, res) => {
      writeErrorResponse(res, t.error, 'r-1', { head: req.method === 'HEAD', production: t.production });
    }, t.method);
    assert.equal(got, t.want);
  });
}

const bodyCases: Array<{ name: string; status: number; production: boolean; want: string }> = [
  { name: 'SPEC R48: outside production a 5xx message is the one given', status: 500, production: false, want: 'boom\n    at main (x.js:1:1)' },
  { name: 'SPEC R48: under production a 503 message is generic', status: 503, production: true, want: 'Internal error; see the log record id-9' },
  { name: 'SPEC R48: under production a 4xx message is the one given', status: 413, production: true, want: 'boom\n    at main (x.js:1:1)' },
];

for (const t of bodyCases) {
  test(t.name, () => {
    const body = errorBody({ code: 'HSF_X', message: 'boom\n    at main (x.js:1:1)', status: t.status }, 'id-9', t.production);
    assert.deepStrictEqual(body, { code: 'HSF_X', message: t.want, requestId: 'id-9' });
  });
}

test('SPEC R48: the error body parses through fetch as JSON with the x-request-id header', async () => {
  const server = http.createServer((_req, res) => {
    res.setHeader('X-Powered-By', 'Express');
    writeErrorResponse(res, { code: 'HSF_NOT_FOUND', message: 'no such function', status: 404 }, 'abc', { production: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/nope`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-request-id'), 'abc');
    assert.deepStrictEqual(await res.json(), { code: 'HSF_NOT_FOUND', message: 'no such function', requestId: 'abc' });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
