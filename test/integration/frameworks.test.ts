// Every behaviour here runs through Express 4, Express 5, Koa 2, Koa 3 and bare node:http with
// supertest, against the real fixture folder test/fixtures/basic.functions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture, frameworks, listen, quiet, type MountedApp } from '../helpers/frameworks';
import type { FunctionsWarning, LogRecord } from '../../src/index';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The context and response rules hold under every runner (issues #3, #14): inline through every
// framework, worker threads and child processes through both adapters' newest majors and bare
// node:http.
const isolated = frameworks.filter((f) => ['express5', 'koa3', 'node:http'].includes(f.name));
const runs = [
  ...frameworks.map((framework) => ({ framework, isolation: 'inline' as const })),
  ...isolated.map((framework) => ({ framework, isolation: 'worker' as const })),
  ...isolated.map((framework) => ({ framework, isolation: 'process' as const })),
];

for (const { framework, isolation } of runs) {
  describe(`${framework.name} (${isolation}): basic.functions`, () => {
    let mounted: MountedApp;
    let server: Server;
    let records: LogRecord[];
    let warnings: FunctionsWarning[];

    before(async () => {
      const q = quiet({ accountId: 123456, timeoutMs: 1000, isolation });
      records = q.records;
      warnings = q.warnings;
      mounted = framework.mount(fixture('basic.functions'), q.options);
      await mounted.host.ready;
      server = await listen(mounted.app);
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      await mounted.close();
    });

    const lastRecord = (id: string): LogRecord => {
      const r = records.find((x) => x.id === id);
      assert.ok(r, `a record for request ${id}`);
      return r;
    };

    test('SPEC R10, R41: a callback-style function answers at /_hcms/api/<path>', async () => {
      const res = await request(server).get('/_hcms/api/hello').expect(200);
      assert.deepEqual(res.body, { message: 'hello' });
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.match(res.headers['x-request-id'], UUID);
    });

    test('SPEC R12: a path no function serves goes to the host app', async () => {
      const res = await request(server).get('/_hcms/api/nope').expect(404);
      assert.deepEqual(res.body, { from: 'host-app', path: '/_hcms/api/nope' });
      await request(server).get('/elsewhere').expect(404, { from: 'host-app', path: '/elsewhere' });
    });

    test('SPEC R11: a path with a slash, one trailing slash ignored, matching case-sensitive', async () => {
      const res = await request(server).post('/_hcms/api/events/update').send({ a: 1 }).expect(200);
      assert.equal(res.body.endpoint, 'events/update');
      await request(server).get('/_hcms/api/hello/').expect(200);
      await request(server).get('/_hcms/api/HELLO').expect(404);
      const deep = await request(server).get('/_hcms/api/nested/deep').expect(200);
      assert.equal(deep.body.endpoint, 'nested/deep');
    });

    test('SPEC R13, R48: an unconfigured method is 405 with Allow and a JSON error', async () => {
      const res = await request(server).post('/_hcms/api/hello').send({}).expect(405);
      assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS');
      assert.equal(res.body.code, 'HSF_METHOD_NOT_ALLOWED');
      assert.equal(res.body.requestId, res.headers['x-request-id']);
      const record = lastRecord(res.body.requestId);
      assert.equal(record.status, 'ERROR');
      assert.equal(record.executionTime, 0);
      assert.equal(record.error?.type, 'HSF_METHOD_NOT_ALLOWED');
    });

    test('SPEC R13: HEAD runs GET and sends headers only; OPTIONS answers 204 with Allow', async () => {
      const head = await request(server).head('/_hcms/api/context').expect(200);
      assert.equal(head.text, undefined);
      assert.ok(Number(head.headers['content-length']) > 0);
      const rec = lastRecord(head.headers['x-request-id']);
      assert.equal(rec.method, 'HEAD');
      const opts = await request(server).options('/_hcms/api/context').expect(204);
      assert.equal(opts.headers.allow, 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS');
      assert.equal(opts.headers['access-control-allow-origin'], undefined, 'SPEC R53: no CORS by default');
    });

    test('SPEC R20, R21, R26: the context has every field; params wrap every value in arrays', async () => {
      const res = await request(server).get('/_hcms/api/context?a=1&a=2&b=&portalid=42&__proto__=x').expect(200);
      const c = res.body;
      assert.equal(c.accountId, 123456);
      assert.deepEqual(c.params, JSON.parse('{"a":["1","2"],"b":[""],"portalid":["42"],"__proto__":["x"]}'));
      assert.equal(c.paramsProto, true);
      assert.deepEqual(c.body, {});
      assert.equal(c.contact, null);
      assert.equal(c.method, 'GET');
      assert.equal(c.endpoint, 'context');
      assert.equal(typeof c.limits.executionsRemaining, 'number');
      assert.equal(typeof c.limits.timeRemaining, 'number');
      assert.ok(Number.isFinite(c.limits.timeRemaining) && c.limits.timeRemaining > 0);
    });

    test('SPEC R23: a JSON body is parsed for any method; invalid JSON is 400 and nothing runs', async () => {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const res = await request(server)[method]('/_hcms/api/context').send({ n: 1, s: 'x' }).expect(200);
        assert.deepEqual(res.body.body, { n: 1, s: 'x' }, method);
        assert.equal(res.body.method, method.toUpperCase());
      }
      const vendor = await request(server).post('/_hcms/api/context').set('content-type', 'application/vnd.api+json').send('{"v":true}').expect(200);
      assert.deepEqual(vendor.body.body, { v: true });
      const bad = await request(server).post('/_hcms/api/context').set('content-type', 'application/json').send('{"broken":').expect(400);
      assert.equal(bad.body.code, 'HSF_INVALID_JSON');
      const text = await request(server).post('/_hcms/api/context').set('content-type', 'text/plain').send('hi').expect(200);
      assert.deepEqual(text.body.body, {});
    });

    test('SPEC R22: form fields merge into params after the query values', async () => {
      const res = await request(server)
        .post('/_hcms/api/context?x=q')
        .type('form')
        .send('x=f&y=2&y=3')
        .expect(200);
      assert.deepEqual(res.body.params, { x: ['q', 'f'], y: ['2', '3'] });
      assert.deepEqual(res.body.body, {});
    });

    test('SPEC R24: a body over 6 MB is 413 and nothing runs', async () => {
      const big = Buffer.alloc(6_291_457, 'a');
      const res = await request(server).post('/_hcms/api/context').set('content-type', 'application/octet-stream').send(big);
      assert.equal(res.status, 413);
      assert.equal(res.body.code, 'HSF_BODY_TOO_LARGE');
    });

    test('SPEC R23: a gzip-encoded JSON body is decoded', async () => {
      // fetch, because superagent re-serialises a Buffer sent with a JSON content type.
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/_hcms/api/context`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(Buffer.from('{"zipped":1}')),
      });
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as { body: unknown }).body, { zipped: 1 });
    });

    test('SPEC R25: headers lower-cased, case-insensitive reads, client ip filled', async () => {
      const res = await request(server)
        .get('/_hcms/api/context')
        .set('X-Custom-Thing', 'v1')
        .set('Cookie', 'hubspotutk=abc; other=1')
        .expect(200);
      const h = res.body.headers;
      assert.equal(h['x-custom-thing'], 'v1');
      assert.equal(res.body.titleCaseCookie, 'hubspotutk=abc; other=1');
      assert.ok(h['true-client-ip'], 'true-client-ip filled');
      assert.ok(h['x-forwarded-for'], 'x-forwarded-for filled');
      for (const name of Object.keys(h)) assert.equal(name, name.toLowerCase());
    });

    test('SPEC R29: context.secrets holds the declared secrets only', async () => {
      const res = await request(server).get('/_hcms/api/context').expect(200);
      assert.deepEqual(res.body.secrets, { API_KEY: 'key-from-dotenv-1234' });
      const upd = await request(server).post('/_hcms/api/events/update').send({}).expect(200);
      assert.deepEqual(upd.body.secrets, { API_KEY: 'key-from-dotenv-1234', OTHER_KEY: 'other-secret-5678' });
    });

    test('SPEC R30, R31: env from serverless.json and secrets, visible at load, nothing else from the host', async () => {
      process.env.HSF_TEST_HOST_ONLY = 'host-secret-password';
      const res = await request(server).get('/_hcms/api/env').expect(200);
      assert.deepEqual(res.body.atLoad, { WHO: 'env-endpoint', GLOBAL_CONFIG: 'global-value' });
      assert.equal(res.body.now.API_KEY_SET, true);
      assert.equal(res.body.now.HOST_ONLY, null);
      assert.equal(res.body.now.TZ, 'UTC');
      for (const key of res.body.now.keys) {
        assert.ok(['WHO', 'GLOBAL_CONFIG', 'SHARED', 'API_KEY', 'NODE_ENV', 'TZ', 'PATH', 'HOME', 'LANG'].includes(key), `unexpected env name ${key}`);
      }
      delete process.env.HSF_TEST_HOST_ONLY;
    });

    test('SPEC R31: 200 concurrent requests to two functions sharing an env name see 0 wrong values', async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          request(server).get(`/_hcms/api/${i % 2 === 0 ? 'env-a' : 'env-b'}?i=${i}`).then((r) => ({ i, r })),
        ),
      );
      let wrong = 0;
      for (const { i, r } of results) {
        const expected = i % 2 === 0 ? 'a' : 'b';
        if (r.status !== 200 || r.body.who !== expected || r.body.last !== expected) wrong++;
        const record = lastRecord(r.headers['x-request-id']);
        if (record.log.trim().split('\t').pop() !== `writer ${expected} ${i}`) wrong++;
      }
      assert.equal(wrong, 0);
      assert.equal(process.env.LAST_WRITER, undefined, 'a function write never reaches the host env');
    });

    test('SPEC R43: module state persists across sequential warm calls', async () => {
      const a = await request(server).get('/_hcms/api/counter').expect(200);
      const b = await request(server).get('/_hcms/api/counter').expect(200);
      assert.equal(b.body.count, a.body.count + 1);
    });

    test('SPEC R50, R54: Set-Cookie from multiValueHeaders and top level, multiValueHeaders replace headers', async () => {
      const res = await request(server).get('/_hcms/api/cookies').expect(200);
      assert.deepEqual(res.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/; HttpOnly', 'c=3; Path=/']);
      assert.equal(res.headers['x-custom'], 'single');
      assert.equal(res.headers['x-multi'], 'one, two');
      assert.equal(res.headers.etag, undefined, 'SPEC R54: no ETag from the framework');
    });

    test('SPEC R50: a 301 with Location redirects', async () => {
      const res = await request(server).get('/_hcms/api/redirect').expect(301);
      assert.equal(res.headers.location, 'https://www.example.com');
    });

    test('SPEC R51: strings are text/plain, Buffers bytes, bare values a 200 body, undefined 204', async () => {
      const text = await request(server).get('/_hcms/api/text').expect(200);
      assert.equal(text.text, 'plain text');
      assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
      const bin = await request(server).get('/_hcms/api/binary').buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      assert.deepEqual([...(bin.body as Buffer)], [0, 1, 2, 255]);
      assert.equal(bin.headers['content-type'], 'application/octet-stream');
      const bare = await request(server).get('/_hcms/api/bare').expect(200);
      assert.deepEqual(bare.body, [{ id: 1 }, { id: 2 }]);
      await request(server).get('/_hcms/api/nothing').expect(204);
    });

    test('SPEC R46, R48, R60: a throw is a JSON 500 with the stack outside production, UNHANDLED_ERROR', async () => {
      const res = await request(server).get('/_hcms/api/throws').expect(500);
      assert.equal(res.body.code, 'HSF_FUNCTION_ERROR');
      assert.match(res.body.message, /boom from function/);
      const record = lastRecord(res.body.requestId);
      assert.equal(record.status, 'UNHANDLED_ERROR');
      assert.equal(record.error?.message, 'boom from function');
      assert.ok(record.error!.stackTrace.length > 0);
      // The host is still up.
      await request(server).get('/_hcms/api/hello').expect(200);
    });

    test('SPEC R60: a 500 the function answered itself is HANDLED_ERROR', async () => {
      const res = await request(server).get('/_hcms/api/handled-500').expect(500);
      assert.deepEqual(res.body, { error: 'Failed to fetch quote' });
      assert.equal(lastRecord(res.headers['x-request-id']).status, 'HANDLED_ERROR');
    });

    test('SPEC R45: a function that never answers gets 504 at the timeout; others keep serving', async () => {
      const slow = request(server).get('/_hcms/api/slow?ms=never');
      const healthy = await request(server).get('/_hcms/api/hello').expect(200);
      assert.deepEqual(healthy.body, { message: 'hello' });
      const res = await slow.expect(504);
      assert.equal(res.body.code, 'HSF_TIMEOUT');
      const record = lastRecord(res.body.requestId);
      assert.equal(record.status, 'UNHANDLED_ERROR');
      assert.match(record.log, /Task timed out after 1\.00 seconds/);
    });

    test('SPEC R47: sendResponse twice: the first wins and the second is a warning', async () => {
      const res = await request(server).get('/_hcms/api/twice').expect(200);
      assert.deepEqual(res.body, { first: true });
      await new Promise((r) => setTimeout(r, 20));
      assert.ok(warnings.some((w) => w.message.includes(res.headers['x-request-id'])), 'a warning names the request');
    });

    test('SPEC R52: a response that cannot be serialised is a 500 HSF_RESPONSE_INVALID, record ERROR', async () => {
      const res = await request(server).get('/_hcms/api/bad-response').expect(500);
      assert.equal(res.body.code, 'HSF_RESPONSE_INVALID');
      assert.equal(lastRecord(res.body.requestId).status, 'ERROR');
    });

    test('SPEC R52: a 1xx status is an invalid response: 500 HSF_RESPONSE_INVALID, never an interim answer', async () => {
      for (const status of ['100', '101', '103', '199']) {
        const res = await request(server).get(`/_hcms/api/status?status=${status}`).timeout(5000).expect(500);
        assert.equal(res.body.code, 'HSF_RESPONSE_INVALID', `status ${status}`);
        assert.equal(lastRecord(res.body.requestId).status, 'ERROR');
      }
      const ok = await request(server).get('/_hcms/api/status?status=200').expect(200);
      assert.deepEqual(ok.body, { asked: '200' });
      await request(server).get('/_hcms/api/status?status=599').expect(599);
    });

    test('SPEC R60, R61, R63: one record per invocation with console lines; x-request-id is its id', async () => {
      const res = await request(server).get('/_hcms/api/logs').set('x-request-id', 'client-chosen').expect(200);
      const id = res.headers['x-request-id'];
      assert.match(id, UUID, 'an incoming x-request-id is not trusted');
      const record = lastRecord(id);
      assert.equal(record.status, 'SUCCESS');
      assert.equal(record.endpoint, 'logs');
      assert.equal(record.method, 'GET');
      assert.equal(record.statusCode, 200);
      assert.match(record.memory, /^\d+\/128 MB$/);
      const lines = record.log.trim().split('\n');
      assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tINFO\tLog some debug info$/);
      assert.match(lines[1]!, /\tWARN\tcareful$/);
      assert.match(lines[2]!, /\tERROR\tAn error occurred$/);
    });

    test('SPEC R63: a function\'s own x-request-id is replaced by the record id', async () => {
      const res = await request(server).get('/_hcms/api/own-request-id').expect(200);
      assert.match(res.headers['x-request-id'], UUID);
      assert.ok(records.some((r) => r.id === res.headers['x-request-id']));
    });

    test('SPEC R33: a secret is redacted from logs, error bodies and records', async () => {
      const res = await request(server).get('/_hcms/api/secret').expect(500);
      assert.doesNotMatch(JSON.stringify(res.body), /key-from-dotenv-1234/);
      assert.match(res.body.message, /\[REDACTED:API_KEY\]/);
      const record = lastRecord(res.body.requestId);
      assert.doesNotMatch(JSON.stringify(record), /key-from-dotenv-1234/);
      assert.match(record.log, /\[REDACTED:API_KEY\]/);
    });

    test('SPEC R33: a secret in the error\'s type (its name) is redacted from the body and the record', async () => {
      const res = await request(server).get('/_hcms/api/secret-type').expect(500);
      assert.equal(res.body.code, 'HSF_FUNCTION_ERROR');
      assert.doesNotMatch(JSON.stringify(res.body), /key-from-dotenv-1234/);
      assert.match(res.body.message, /KeyError\(\[REDACTED:API_KEY\]\)/);
      const record = lastRecord(res.body.requestId);
      assert.doesNotMatch(JSON.stringify(record), /key-from-dotenv-1234/);
      assert.equal(record.error?.type, 'KeyError([REDACTED:API_KEY])');
    });
  });
}
