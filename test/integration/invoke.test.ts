// invoke(): the same pipeline as HTTP without a server; createTestApp; the bare listener.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createFunctionsHost, createRequestListener, HubSpotFunctionsError, type FunctionsHost } from '../../src/index';
import { createTestApp } from '../../src/testing/index';
import { fixture, quiet } from '../helpers/frameworks';

describe('host.invoke (issue #2)', () => {
  let host: FunctionsHost;
  before(async () => {
    host = createFunctionsHost([fixture('basic.functions'), fixture('project')], quiet({ accountId: 99 }).options);
    await host.ready;
  });
  after(() => host.close());

  test('a URL path runs the endpoint with the first configured method; JSON bodies parsed', async () => {
    const r = await host.invoke('/_hcms/api/hello');
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.body, { message: 'hello' });
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.record.status, 'SUCCESS');
    assert.equal(r.headers['x-request-id'], r.record.id);
  });

  test('SPEC R63: x-request-id is the record id, also when the function sets its own', async () => {
    const r = await host.invoke('/_hcms/api/own-request-id');
    assert.equal(r.headers['x-request-id'], r.record.id);
    const refused = await host.invoke('/_hcms/api/hello', { method: 'POST' });
    assert.equal(refused.headers['x-request-id'], refused.record.id);
  });

  test('method, query (string and object), body as JSON, headers, contact', async () => {
    const r = await host.invoke('/_hcms/api/context?z=0', {
      method: 'post',
      query: { a: ['1', '2'], b: 'x' },
      body: { hello: 'world' },
      headers: { 'X-Thing': 'yes' },
      contact: { vid: 5, isLoggedIn: false, listMemberships: [] },
    });
    assert.equal(r.statusCode, 200);
    const c = r.body as Record<string, any>;
    assert.equal(c.method, 'POST');
    assert.deepEqual(c.params, { z: ['0'], a: ['1', '2'], b: ['x'] });
    assert.deepEqual(c.body, { hello: 'world' });
    assert.equal(c.headers['x-thing'], 'yes');
    assert.equal(c.headers['content-type'], 'application/json');
    assert.deepEqual(c.contact, { vid: 5, isLoggedIn: false, listMemberships: [] });
    assert.equal(c.accountId, 99);
    const q = await host.invoke('/_hcms/api/context', { query: 'k=v&k=w' });
    assert.deepEqual((q.body as Record<string, any>).params, { k: ['v', 'w'] });
  });

  test('text bodies come back as strings, others as Buffers; logs are the console lines', async () => {
    const t = await host.invoke('/_hcms/api/text');
    assert.equal(t.body, 'plain text');
    const b = await host.invoke('/_hcms/api/binary');
    assert.ok(Buffer.isBuffer(b.body));
    const l = await host.invoke('/_hcms/api/logs');
    assert.equal(l.logs.length, 3);
    assert.match(l.logs[0]!, /\tINFO\tLog some debug info$/);
    const c = await host.invoke('/_hcms/api/cookies');
    assert.deepEqual(c.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/; HttpOnly', 'c=3; Path=/']);
  });

  test('by endpoint key, by appFunctions name, by hsmeta uid', async () => {
    assert.deepEqual((await host.invoke('hello')).body, { message: 'hello' });
    assert.equal((await host.invoke('fetch-quote')).statusCode, 200);
    const w = await host.invoke('widget_function');
    assert.deepEqual(w.body, { widget: true, method: 'GET', endpoint: 'api/widget' });
  });

  test('SPEC R3, R40: a private app function gets { parameters, propertiesToSend, event } and answers its JSON result', async () => {
    const r = await host.invoke('crm-card', { parameters: { p: 1 }, propertiesToSend: { email: 'x@y.z' }, event: { type: 'SUBMIT' } });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.body, { got: { parameters: { p: 1 }, propertiesToSend: { email: 'x@y.z' }, event: { type: 'SUBMIT' }, hasToken: false } });
  });

  test('a wrong method is a 405 result; unknown targets throw HSF_INVOKE_NOT_FOUND', async () => {
    const r = await host.invoke('/_hcms/api/hello', { method: 'DELETE' });
    assert.equal(r.statusCode, 405);
    assert.equal(r.headers.allow, 'GET, HEAD, OPTIONS');
    await assert.rejects(host.invoke('/_hcms/api/none'), (e: unknown) => e instanceof HubSpotFunctionsError && e.code === 'HSF_INVOKE_NOT_FOUND');
    await assert.rejects(host.invoke('nobody'), { code: 'HSF_INVOKE_NOT_FOUND' });
  });

  test('HSF_INVOKE_AMBIGUOUS when a name matches more than one function', async () => {
    const two = createFunctionsHost(fixture('ambiguous'), quiet().options);
    try {
      await assert.rejects(two.invoke('shared'), (e: unknown) => e instanceof HubSpotFunctionsError && e.code === 'HSF_INVOKE_AMBIGUOUS');
    } finally {
      await two.close();
    }
  });
});

describe('createTestApp (hubspot-functions/testing)', () => {
  test('supertest takes it directly; invoke, host and close are attached', async () => {
    const app = createTestApp(fixture('basic.functions'));
    try {
      await request(app).get('/_hcms/api/hello').expect(200, { message: 'hello' });
      const r = await app.invoke('/_hcms/api/counter');
      assert.equal(r.statusCode, 200);
      assert.ok(app.host.routes.length > 10);
      const nf = await request(app).get('/not-ours').expect(404);
      assert.equal(nf.body.code, 'HSF_NOT_FOUND');
    } finally {
      await app.close();
    }
  });
});

describe('createRequestListener on bare node:http', () => {
  test('without next: a path that is not ours is a JSON 404 with a request id', async () => {
    const listener = createRequestListener(fixture('basic.functions'), quiet().options);
    const server = createServer(listener);
    try {
      await request(server).get('/_hcms/api/hello').expect(200, { message: 'hello' });
      const res = await request(server).get('/missing').expect(404);
      assert.equal(res.body.code, 'HSF_NOT_FOUND');
      assert.equal(res.body.requestId, res.headers['x-request-id']);
    } finally {
      await listener.close();
    }
  });

  test('after close(): requests get 503 HSF_CLOSED, and close() is idempotent', async () => {
    const listener = createRequestListener(fixture('basic.functions'), quiet().options);
    await listener.host.ready;
    await listener.close();
    await listener.close();
    const res = await request(createServer(listener)).get('/_hcms/api/hello').expect(503);
    assert.equal(res.body.code, 'HSF_CLOSED');
  });
});

describe('appFunctionsRoute (issue #5, SPEC R3, R40)', () => {
  test('POST <projects prefix>/app-functions/<name> runs an app function by name; off by default', async () => {
    const off = createTestApp(fixture('project'));
    const on = createTestApp(fixture('project'), { appFunctionsRoute: true });
    try {
      await request(off).post('/hs/serverless/app-functions/crm-card').send({}).expect(404);
      const res = await request(on)
        .post('/hs/serverless/app-functions/crm-card')
        .send({ parameters: { p: 2 }, propertiesToSend: { email: 'a@b.c' }, event: null })
        .expect(200);
      assert.deepEqual(res.body, { got: { parameters: { p: 2 }, propertiesToSend: { email: 'a@b.c' }, event: null, hasToken: false } });
      const get = await request(on).get('/hs/serverless/app-functions/crm-card').expect(405);
      assert.equal(get.headers.allow, 'POST, OPTIONS');
      const bad = await request(on).post('/hs/serverless/app-functions/crm-card').set('content-type', 'application/json').send('{x').expect(400);
      assert.equal(bad.body.code, 'HSF_INVALID_JSON');
      await request(on).post('/hs/serverless/app-functions/nobody').send({}).expect(404);
    } finally {
      await off.close();
      await on.close();
    }
  });

  test('SPEC R40: undefined becomes null; the app-function timeout applies', async () => {
    const app = createTestApp(fixture('app-timeouts'), { appFunctionTimeoutMs: 200 });
    try {
      const nothing = await app.invoke('returns-nothing');
      assert.equal(nothing.statusCode, 200);
      assert.equal(nothing.body, null);
      const slow = await app.invoke('too-slow');
      assert.equal(slow.statusCode, 504);
      assert.equal(slow.record.status, 'UNHANDLED_ERROR');
    } finally {
      await app.close();
    }
  });
});

describe('context.url and context.rawBody (issue #5)', () => {
  test('with trustProxy, context.url is rebuilt from X-Forwarded-Proto and -Host; rawBody is the exact bytes', async () => {
    const listener = createRequestListener(fixture('basic.functions'), quiet({ rawBody: true, trustProxy: true }).options);
    try {
      const body = '{"b": 2,  "a":1}';
      const res = await request(createServer(listener))
        .post('/_hcms/api/context?x=1&y=%20')
        .set('content-type', 'application/json')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'functions.example.com')
        .set('X-Forwarded-For', '198.51.100.4, 10.0.0.1')
        .send(body)
        .expect(200);
      assert.equal(res.body.url, 'https://functions.example.com/_hcms/api/context?x=1&y=%20');
      assert.equal(Buffer.from(res.body.rawBody, 'base64').toString(), body);
      assert.equal(res.body.headers['true-client-ip'], '198.51.100.4');
    } finally {
      await listener.close();
    }
  });

  test('without trustProxy, the forwarded headers do not change context.url', async () => {
    const listener = createRequestListener(fixture('basic.functions'), quiet({ rawBody: true }).options);
    try {
      const res = await request(createServer(listener)).get('/_hcms/api/context').set('X-Forwarded-Host', 'evil.example').expect(200);
      assert.match(res.body.url, /^http:\/\/127\.0\.0\.1:\d+\/_hcms\/api\/context$/);
      assert.notEqual(res.body.headers['true-client-ip'], undefined);
    } finally {
      await listener.close();
    }
  });
});
