import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { readRawBody } from '../../src/request/read-body';

type Headers = Record<string, string | undefined>;

/** A real Readable carrying request headers, fed in small chunks. */
function requestStream(bytes: Buffer, headers: Headers): Readable & { headers: Headers } {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1024) chunks.push(bytes.subarray(i, i + 1024));
  return Object.assign(Readable.from(chunks, { objectMode: false }), { headers });
}

const text = Buffer.from(JSON.stringify({ hello: 'world', n: [1, 2, 3], s: 'x'.repeat(5000) }));

const okCases: Array<{ name: string; encode: (b: Buffer) => Buffer; encoding: string | undefined; withLength: boolean }> = [
  { name: 'SPEC R23: identity body is read as is', encode: (b) => b, encoding: undefined, withLength: true },
  { name: 'SPEC R23: explicit identity encoding is read as is', encode: (b) => b, encoding: 'identity', withLength: true },
  { name: 'SPEC R23: chunked body without content-length is read', encode: (b) => b, encoding: undefined, withLength: false },
  { name: 'SPEC R23: gzip body is decoded', encode: (b) => zlib.gzipSync(b), encoding: 'gzip', withLength: true },
  { name: 'SPEC R23: x-gzip is gzip', encode: (b) => zlib.gzipSync(b), encoding: 'x-gzip', withLength: true },
  { name: 'SPEC R23: GZIP in upper case is decoded', encode: (b) => zlib.gzipSync(b), encoding: 'GZIP', withLength: true },
  { name: 'SPEC R23: deflate body is decoded', encode: (b) => zlib.deflateSync(b), encoding: 'deflate', withLength: true },
  { name: 'SPEC R23: br body is decoded', encode: (b) => zlib.brotliCompressSync(b), encoding: 'br', withLength: true },
  { name: 'SPEC R23: stacked codings decode in reverse order', encode: (b) => zlib.brotliCompressSync(zlib.gzipSync(b)), encoding: 'gzip, br', withLength: false },
  { name: 'SPEC R23: an empty body is empty bytes', encode: () => Buffer.alloc(0), encoding: undefined, withLength: true },
];

for (const t of okCases) {
  test(t.name, async () => {
    const encoded = t.encode(text);
    const headers: Headers = {};
    if (t.encoding !== undefined) headers['content-encoding'] = t.encoding;
    if (t.withLength) headers['content-length'] = String(encoded.length);
    const got = await readRawBody(requestStream(encoded, headers), 6_291_456);
    assert.ok(Buffer.isBuffer(got));
    assert.deepStrictEqual(got, encoded.length === 0 ? Buffer.alloc(0) : text);
  });
}

const failCases: Array<{ name: string; body: Buffer; headers: Headers; limit: number; code: string; status: number }> = [
  { name: 'SPEC R24: a content-length over the limit is 413', body: Buffer.alloc(2000), headers: { 'content-length': '2000' }, limit: 1000, code: 'HSF_BODY_TOO_LARGE', status: 413 },
  { name: 'SPEC R24: a chunked body over the limit is 413', body: Buffer.alloc(5000), headers: {}, limit: 1000, code: 'HSF_BODY_TOO_LARGE', status: 413 },
  { name: 'SPEC R24: the limit applies to the decoded size (gzip bomb)', body: zlib.gzipSync(Buffer.alloc(200_000)), headers: { 'content-encoding': 'gzip' }, limit: 10_000, code: 'HSF_BODY_TOO_LARGE', status: 413 },
  { name: 'SPEC R24: the limit applies to the decoded size (br)', body: zlib.brotliCompressSync(Buffer.alloc(200_000)), headers: { 'content-encoding': 'br' }, limit: 10_000, code: 'HSF_BODY_TOO_LARGE', status: 413 },
  { name: 'SPEC R23: an unknown content-encoding is HSF_BODY_READ_FAILED', body: Buffer.from('x'), headers: { 'content-encoding': 'compress' }, limit: 1000, code: 'HSF_BODY_READ_FAILED', status: 400 },
  { name: 'SPEC R23: corrupt gzip is HSF_BODY_READ_FAILED', body: Buffer.from('not gzip at all'), headers: { 'content-encoding': 'gzip' }, limit: 1000, code: 'HSF_BODY_READ_FAILED', status: 400 },
  { name: 'SPEC R23: a body shorter than content-length is HSF_BODY_READ_FAILED', body: Buffer.from('abc'), headers: { 'content-length': '10' }, limit: 1000, code: 'HSF_BODY_READ_FAILED', status: 400 },
];

for (const t of failCases) {
  test(t.name, async () => {
    await assert.rejects(readRawBody(requestStream(t.body, t.headers), t.limit), { code: t.code, status: t.status });
  });
}

test('SPEC R23: an exact-limit body is accepted', async () => {
  const body = Buffer.alloc(1000, 7);
  assert.equal((await readRawBody(requestStream(body, { 'content-length': '1000' }), 1000)).length, 1000);
});

/** Starts a server whose handler reads the body and answers with the outcome; closes after `fn`. */
async function withServer(limit: number, fn: (port: number, outcomes: string[]) => Promise<void>): Promise<void> {
  const outcomes: string[] = [];
  const server = http.createServer((req, res) => {
    readRawBody(req, limit).then(
      (buf) => {
        outcomes.push(`ok:${buf.length}`);
        res.end(`ok:${buf.length}`);
      },
      (err: { code: string; status: number }) => {
        outcomes.push(err.code);
        if (!res.destroyed) {
          res.writeHead(err.status);
          res.end(err.code);
        }
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn((server.address() as AddressInfo).port, outcomes);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test('SPEC R24: over the limit through a real server is 413 and the socket still answers', async () => {
  await withServer(1000, async (port) => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(5000) });
    assert.equal(res.status, 413);
    assert.equal(await res.text(), 'HSF_BODY_TOO_LARGE');
  });
});

test('SPEC R23: a gzip body through a real server is decoded', async () => {
  await withServer(100_000, async (port) => {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-encoding': 'gzip' },
      body: zlib.gzipSync(text),
    });
    assert.equal(await res.text(), `ok:${text.length}`);
  });
});

test('SPEC R23: a client that aborts mid-body gives HSF_BODY_READ_FAILED', async () => {
  await withServer(100_000, async (port, outcomes) => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    for (let i = 0; i < 100 && outcomes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepStrictEqual(outcomes, ['HSF_BODY_READ_FAILED']);
  });
});

test('SPEC R23: a client that aborts a gzip body mid-stream gives HSF_BODY_READ_FAILED', async () => {
  await withServer(100_000, async (port, outcomes) => {
    const gz = zlib.gzipSync(text);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`);
    socket.write(gz.subarray(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    for (let i = 0; i < 100 && outcomes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepStrictEqual(outcomes, ['HSF_BODY_READ_FAILED']);
  });
});
