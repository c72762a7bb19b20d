// Outbound calls (issue #13) through a real Express app with supertest, against a fake HubSpot API
// on 127.0.0.1 that `outbound.rewrite` puts in place of https://api.hubapi.com: every client
// family (https.request, global fetch, axios in all three isolation modes; node-fetch,
// @hubspot/api-client and request in worker isolation), the records' `outbound` lists, deny,
// calls still running, timeouts, the 100-entry cap, and the host's own calls left alone.
// No mocks of Node's modules: real servers, real sockets.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import express5 from 'express5';
import request from 'supertest';
import { hubspotFunctions } from '../../adapters/express';
import type { AllOptions, LogRecord, OutboundCall } from '../../src/index';
import { createTestApp } from '../../src/testing';
import { startFakeHubSpotApi, type FakeHubSpotApi } from '../helpers/fake-hubspot-api';
import { fixture, listen, type Handler } from '../helpers/frameworks';

const CORE = fixture('outbound/core.functions');
const CLIENTS = fixture('outbound/clients.functions');
// The private app token, a declared secret (SPEC R33), and a legacy key sent as ?hapikey=.
const TOKEN = 'pat-na1-0f0e0d0c-token';
const HAPIKEY = 'legacy-key-0001';
const HUBAPI = 'https://api.hubapi.com';
const LOOPBACK_NOWHERE = 'http://127.0.0.2:59999';

// Captured before any host exists: what the host process must still have when no function runs inline.
const nodeHttpRequest = http.request;
const nodeFetch = globalThis.fetch;

let api: FakeHubSpotApi;
before(async () => {
  api = await startFakeHubSpotApi({
    token: TOKEN,
    hapikey: HAPIKEY,
    crmContacts: [{ id: '101', properties: { email: 'ada@example.com' } }, { id: '102', properties: { email: 'grace@example.com' } }],
  });
});
after(() => api.close());

interface Mounted {
  app: Handler;
  records: LogRecord[];
  close(): Promise<void>;
}

/** An Express 5 app with the functions mounted and every record kept. */
function mountExpress(source: string, options: AllOptions): Mounted {
  const records: LogRecord[] = [];
  const app = express5();
  const mw = hubspotFunctions(source, { secrets: { HUBSPOT_TOKEN: TOKEN }, onLog: (r) => records.push(r), onWarning: () => undefined, ...options });
  app.use(mw as never);
  return { app: app as unknown as Handler, records, close: () => mw.close() };
}

/** The record of the response's request. */
function recordOf(mounted: Mounted, response: { headers: Record<string, string> }): LogRecord {
  const record = mounted.records.find((r) => r.id === response.headers['x-request-id']);
  assert.ok(record, `a record for ${response.headers['x-request-id']}`);
  return record;
}

/** The one outbound call of a record. */
function onlyCall(record: LogRecord): OutboundCall {
  assert.equal(record.outbound?.length, 1, JSON.stringify(record.outbound));
  return record.outbound![0]!;
}

function assertDuration(call: OutboundCall): void {
  assert.ok(Number.isInteger(call.durationMs) && call.durationMs >= 0, `durationMs ${call.durationMs}`);
}

for (const isolation of ['inline', 'worker', 'process'] as const) {
  describe(`issue #13, ${isolation} isolation: outbound records, rewrite and deny through Express`, { timeout: 60_000 }, () => {
    let mounted: Mounted;
    before(async () => {
      mounted = mountExpress(CORE, { isolation, maxWorkersPerFunction: 1, outbound: { rewrite: { [HUBAPI]: api.baseUrl }, deny: true } });
      await request(mounted.app).get('/_hcms/api/local').query({ base: api.baseUrl }).expect(200);
    });
    after(() => mounted.close());

    test('https.request: the function answers with the fake\'s data; the record keeps the URL it asked for, the target, the status and a duration, never the hapikey', async () => {
      const before = api.requests.length;
      const response = await request(mounted.app).get('/_hcms/api/https-request').expect(200);
      assert.deepEqual(response.body, { via: 'https.request', status: 200, ids: ['101', '102'] });
      // Same method, path and query at the fake; Host is the target's.
      const seen = api.requests.slice(before);
      assert.deepEqual(seen.map((r) => [r.method, r.path, r.query.get('hapikey'), r.query.get('limit'), r.host]), [['GET', '/crm/v3/objects/contacts', HAPIKEY, '2', new URL(api.baseUrl).host]]);
      const call = onlyCall(recordOf(mounted, response));
      assert.deepEqual({ ...call, durationMs: 0 }, {
        method: 'GET', url: `${HUBAPI}/crm/v3/objects/contacts?hapikey=[REDACTED]&limit=2`, status: 200, durationMs: 0, rewrittenTo: api.baseUrl,
      });
      assertDuration(call);
    });

    test('global fetch: a POST reaches the fake with its body and bearer token; the record lists it', async () => {
      const before = api.requests.length;
      const response = await request(mounted.app).post('/_hcms/api/fetch').send({ email: 'new@example.com' }).expect(200);
      assert.deepEqual(response.body, { via: 'fetch', status: 201, id: '1002', email: 'new@example.com' });
      const [seen] = api.requests.slice(before);
      assert.equal(seen?.method, 'POST');
      assert.equal(seen?.authorization, `Bearer ${TOKEN}`);
      assert.deepEqual(JSON.parse(seen!.body), { properties: { email: 'new@example.com' } });
      assert.equal(seen?.host, new URL(api.baseUrl).host);
      const call = onlyCall(recordOf(mounted, response));
      assert.deepEqual([call.method, call.url, call.status, call.rewrittenTo, call.error], ['POST', `${HUBAPI}/crm/v3/objects/contacts`, 201, api.baseUrl, undefined]);
      assertDuration(call);
    });

    test('axios: answers with the fake\'s data; a declared secret in the query is redacted in the record (SPEC R33)', async () => {
      const response = await request(mounted.app).get('/_hcms/api/axios').expect(200);
      assert.deepEqual(response.body, { via: 'axios', status: 200, ids: ['101'] });
      const call = onlyCall(recordOf(mounted, response));
      assert.deepEqual([call.method, call.url, call.status, call.rewrittenTo], ['GET', `${HUBAPI}/crm/v3/objects/contacts?limit=1&echo=[REDACTED:HUBSPOT_TOKEN]`, 200, api.baseUrl]);
    });

    test('deny: an unlisted origin fails fast inside the function, which still answers; the record marks both failures', async () => {
      const response = await request(mounted.app).get('/_hcms/api/denied').expect(200);
      const { https: viaHttps, fetch: viaFetch } = response.body as Record<string, { code?: string; name?: string; message: string; cause?: string }>;
      assert.equal(viaHttps?.code, 'HSF_OUTBOUND_DENIED');
      // The message names the URL (its token scrubbed) and the option that allows it.
      assert.match(viaHttps!.message, /https:\/\/partner\.example\.com\/v1\/things\?token=\[REDACTED\]/);
      assert.match(viaHttps!.message, /outbound\.rewrite/);
      assert.match(viaHttps!.message, /deny: false/);
      // fetch fails as for any network error, the refusal as its cause.
      assert.deepEqual([viaFetch?.name, viaFetch?.message, viaFetch?.code], ['TypeError', 'fetch failed', 'HSF_OUTBOUND_DENIED']);
      assert.match(viaFetch!.cause!, /https:\/\/partner\.example\.com\/v2\/things: outbound\.deny is on/);
      const record = recordOf(mounted, response);
      assert.equal(record.status, 'SUCCESS');
      assert.deepEqual(record.outbound?.map((c) => [c.method, c.url, c.status, c.error?.split(':')[0], c.rewrittenTo]), [
        ['GET', 'https://partner.example.com/v1/things?token=[REDACTED]', null, 'HSF_OUTBOUND_DENIED', undefined],
        ['GET', 'https://partner.example.com/v2/things', null, 'HSF_OUTBOUND_DENIED', undefined],
      ]);
    });

    test('a call still running when the function answers is recorded with status null', async () => {
      const response = await request(mounted.app).get('/_hcms/api/unanswered').expect(200);
      const call = onlyCall(recordOf(mounted, response));
      assert.deepEqual([call.url, call.status, call.error, call.rewrittenTo], [`${HUBAPI}/slow/300`, null, undefined, api.baseUrl]);
      assertDuration(call);
    });

    test('loopback origins go through under deny, unchanged', async () => {
      const response = await request(mounted.app).get('/_hcms/api/local').query({ base: api.baseUrl }).expect(200);
      assert.deepEqual(response.body, { status: 200 });
      const call = onlyCall(recordOf(mounted, response));
      assert.deepEqual([call.url, call.status, call.rewrittenTo], [`${api.baseUrl}/slow/0`, 200, undefined]);
    });

    test('a call made at module load is routed too (refused here), and no record lists it', async () => {
      const response = await request(mounted.app).get('/_hcms/api/at-load').expect(200);
      assert.deepEqual(response.body, { atLoad: 'HSF_OUTBOUND_DENIED' });
      assert.equal(recordOf(mounted, response).outbound, undefined);
    });

    test('no record holds the hapikey or the token; the host\'s own http and fetch are Node\'s unless functions run inline', () => {
      const all = JSON.stringify(mounted.records);
      assert.ok(!all.includes(HAPIKEY), 'the hapikey value never appears');
      assert.ok(!all.includes(TOKEN), 'the declared secret never appears');
      if (isolation !== 'inline') {
        assert.equal(http.request, nodeHttpRequest);
        assert.equal(globalThis.fetch, nodeFetch);
      }
    });
  });
}

describe('issue #13, worker isolation: node-fetch, @hubspot/api-client, request, a timeout, more than 100 calls', { timeout: 60_000 }, () => {
  let mounted: Mounted;
  before(() => {
    // 127.0.0.2:59999 listens nowhere: only a rewritten redirect hop reaches the fake.
    const rewrite = { [HUBAPI]: api.baseUrl, [LOOPBACK_NOWHERE]: api.baseUrl };
    mounted = mountExpress(CLIENTS, { isolation: 'worker', maxWorkersPerFunction: 1, timeoutMs: 1000, outbound: { rewrite, deny: true } });
  });
  after(() => mounted.close());

  for (const [name, via, ids] of [['node-fetch', 'node-fetch', ['101']], ['api-client', '@hubspot/api-client', ['101', '102']], ['request', 'request', ['101']]] as const) {
    test(`${via}: answers with the fake's data; the record lists the call`, async () => {
      const response = await request(mounted.app).get(`/_hcms/api/${name}`).expect(200);
      assert.deepEqual((response.body as { via: string; ids: string[] }).ids, ids);
      assert.equal((response.body as { via: string }).via, via);
      const call = onlyCall(recordOf(mounted, response));
      assert.equal(call.method, 'GET');
      assert.match(call.url, /^https:\/\/api\.hubapi\.com\/crm\/v3\/objects\/contacts\?limit=\d/);
      assert.deepEqual([call.status, call.rewrittenTo], [200, api.baseUrl]);
      assertDuration(call);
    });
  }

  test('redirects: fetch (one entry, undici follows) and axios (one entry per hop) have every hop routed', async () => {
    const response = await request(mounted.app).get('/_hcms/api/redirect').query({ to: `${LOOPBACK_NOWHERE}/slow/0` }).expect(200);
    assert.deepEqual(response.body, { fetch: { slow: true }, axios: { slow: true } });
    const record = recordOf(mounted, response);
    const first = `${HUBAPI}/redirect?to=${encodeURIComponent(`${LOOPBACK_NOWHERE}/slow/0`)}`;
    assert.deepEqual(record.outbound?.map((c) => [c.url, c.status, c.rewrittenTo]), [
      [first, 200, api.baseUrl],
      [first, 302, api.baseUrl],
      [`${LOOPBACK_NOWHERE}/slow/0`, 200, api.baseUrl],
    ]);
  });

  test('an ES module\'s named import of https.get is patched before it loads', async () => {
    const response = await request(mounted.app).get('/_hcms/api/esm').expect(200);
    assert.deepEqual(response.body, { status: 200 });
    assert.deepEqual(onlyCall(recordOf(mounted, response)).rewrittenTo, api.baseUrl);
  });

  test('a timed-out invocation (its worker ended) still lists the call it was waiting on, with status null (SPEC R45)', async () => {
    const response = await request(mounted.app).get('/_hcms/api/hangs').expect(504);
    const record = recordOf(mounted, response);
    assert.equal(record.status, 'UNHANDLED_ERROR');
    const call = onlyCall(record);
    assert.deepEqual([call.method, call.url, call.status, call.rewrittenTo], ['GET', `${HUBAPI}/slow/5000`, null, api.baseUrl]);
    assert.ok(call.durationMs >= 500, `ran ${call.durationMs} ms before the timeout`);
  });

  test('at most 100 calls per record, then a count of the rest', async () => {
    const response = await request(mounted.app).get('/_hcms/api/many').query({ n: '104' }).expect(200);
    const record = recordOf(mounted, response);
    assert.equal(record.outbound?.length, 100);
    assert.equal(record.outboundDropped, 4);
    assert.deepEqual(record.outbound?.slice(0, 2).map((c) => c.url), [`${HUBAPI}/slow/0?i=0`, `${HUBAPI}/slow/0?i=1`]);
    assert.ok(record.outbound?.every((c) => c.status === 200));
  });
});

describe('issue #13, inline isolation: the host\'s own calls are never recorded, rewritten or denied', { timeout: 30_000 }, () => {
  let decoy: http.Server;
  let decoyUrl: string;
  let hits = 0;
  before(async () => {
    decoy = await listen((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"decoy":true}');
    });
    decoyUrl = `http://127.0.0.1:${(decoy.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => decoy.close(() => resolve())));

  test('a contact hook and the test itself call a rewritten origin and a loopback one under allowLoopback: false: they reach the decoy, and no record lists them', async () => {
    const mounted = mountExpress(CORE, {
      isolation: 'inline',
      // The decoy's origin is rewritten (to the fake) and loopback is denied: for functions only.
      outbound: { rewrite: { [decoyUrl]: api.baseUrl, [HUBAPI]: api.baseUrl }, deny: true, allowLoopback: false },
      contact: async () => {
        await globalThis.fetch(`${decoyUrl}/from-contact-hook`).then((r) => r.text());
        return null;
      },
    });
    try {
      const before = hits;
      const response = await request(mounted.app).get('/_hcms/api/local').query({ base: decoyUrl });
      // The function's call to the decoy's origin went to the fake instead.
      assert.deepEqual(response.body, { status: 200 });
      assert.deepEqual(onlyCall(recordOf(mounted, response)).rewrittenTo, api.baseUrl);
      assert.equal(hits, before + 1, 'only the contact hook reached the decoy');
      // Outside any invocation, with the interception installed: untouched.
      assert.notEqual(globalThis.fetch, nodeFetch);
      assert.deepEqual(await (await globalThis.fetch(`${decoyUrl}/from-test`)).json(), { decoy: true });
      const viaHttp = await new Promise<number | undefined>((resolve, reject) => http.get(`${decoyUrl}/from-test`, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject));
      assert.equal(viaHttp, 200);
      assert.equal(hits, before + 3);
      // A function's call to a loopback origin that is not rewritten is denied here.
      const denied = await request(mounted.app).get('/_hcms/api/local').query({ base: 'http://127.0.0.1:59999' }).expect(500);
      assert.equal(onlyCall(recordOf(mounted, denied)).error?.split(':')[0], 'HSF_OUTBOUND_DENIED');
    } finally {
      await mounted.close();
    }
    // The last inline host closed: Node's own functions are back.
    assert.equal(http.request, nodeHttpRequest);
    assert.equal(globalThis.fetch, nodeFetch);
  });

  test('createTestApp denies by default: an unlisted origin fails inside the function', async () => {
    const app = createTestApp(CORE, { secrets: { HUBSPOT_TOKEN: TOKEN } });
    try {
      const { statusCode, body } = await app.invoke('/_hcms/api/denied');
      assert.equal(statusCode, 200);
      assert.equal((body as { https: { code: string } }).https.code, 'HSF_OUTBOUND_DENIED');
      // Without a rewrite, api.hubapi.com is denied too: a test never reaches the real API.
      const fetched = await app.invoke('/_hcms/api/fetch', { body: { email: 'x@example.com' } });
      assert.equal(fetched.statusCode, 500);
      assert.equal(fetched.record.outbound?.[0]?.error?.split(':')[0], 'HSF_OUTBOUND_DENIED');
    } finally {
      await app.close();
    }
  });
});
