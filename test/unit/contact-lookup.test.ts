// hubspotContactLookup against a real local server that speaks HubSpot's contacts and lists APIs
// (SPEC R27). Every server listens on 127.0.0.1 and is closed when its test ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hubspotContactLookup, type HubSpotContactLookupOptions } from '../../src/contacts/hubspot-contact-lookup';
import { startFakeHubSpotApi, type FakeApiState, type FakeContact, type FakeHubSpotApi } from '../helpers/fake-hubspot-api';
import type { Contact, ContactLookupInput } from '../../src/types';
import { LruCache } from '../../src/contacts/lru-cache';

const UTK = '0123456789abcdef0123456789abcdef';
const OTHER_UTK = 'fedcba9876543210fedcba9876543210';
const PROFILE = '/contacts/v1/contact/utk/';
const MEMBERSHIPS = '/crm/v3/lists/records/';
const MAPPING = '/crm/v3/lists/idmapping';

function input(utk: string | undefined, request: unknown = {}): ContactLookupInput {
  return { utk, cookies: utk === undefined ? {} : { hubspotutk: utk }, headers: {}, request };
}

/** Runs `body` with a fresh fake API and a lookup pointed at it; warnings are collected. */
async function withApi(
  state: Partial<FakeApiState>,
  options: Partial<HubSpotContactLookupOptions>,
  body: (ctx: { api: FakeHubSpotApi; lookup: ReturnType<typeof hubspotContactLookup>; warnings: string[] }) => Promise<void>,
): Promise<void> {
  const api = await startFakeHubSpotApi(state);
  const warnings: string[] = [];
  try {
    const lookup = hubspotContactLookup({
      accessToken: 'good-token',
      baseUrl: api.baseUrl,
      onWarning: (message) => warnings.push(message),
      ...options,
    });
    await body({ api, lookup, warnings });
  } finally {
    await api.close();
  }
}

const ALICE: FakeContact = { vid: 501, properties: { email: 'alice@example.com', firstname: 'Alice', lastname: null, score: 42 } };

test('SPEC R27: a found contact has vid, flattened properties and the profile\'s list memberships', () =>
  withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [12, 34] }]]) }, { properties: ['email', 'firstname', 'lastname', 'score'] }, async ({ api, lookup }) => {
    const contact = await lookup(input(UTK));
    assert.deepStrictEqual(contact, {
      vid: 501, email: 'alice@example.com', firstname: 'Alice', score: '42', isLoggedIn: false, listMemberships: [12, 34],
    });
    assert.equal(api.count(MEMBERSHIPS), 0, 'the profile had memberships: no lists API call');
    const [request] = api.requests;
    assert.equal(request.authorization, 'Bearer good-token');
    assert.equal(request.path, `${PROFILE}${UTK}/profile`);
    assert.deepStrictEqual(request.query.getAll('property'), ['email', 'firstname', 'lastname', 'score']);
  }));

test('SPEC R27: default properties are email, firstname and lastname', () =>
  withApi({ contacts: new Map([[UTK, { vid: 7, properties: { email: 'a@b.c', firstname: 'A', lastname: 'B', phone: '1' }, legacyLists: [1] }]]) }, {}, async ({ api, lookup }) => {
    const contact = await lookup(input(UTK));
    assert.deepStrictEqual(contact, { vid: 7, email: 'a@b.c', firstname: 'A', lastname: 'B', isLoggedIn: false, listMemberships: [1] });
    assert.deepStrictEqual(api.requests[0].query.getAll('property'), ['email', 'firstname', 'lastname']);
  }));

test('SPEC R27: without v1 list data, memberships come from the lists API, mapped to legacy ids', () =>
  withApi({
    contacts: new Map([[UTK, ALICE], [OTHER_UTK, { vid: 502, properties: {} }]]),
    memberships: new Map([[501, ['101', '102', '999']], [502, ['102']]]),
    idMapping: new Map([['7', '101'], ['8', '102'], ['9', '103']]),
  }, { legacyListIds: [7, 8, 9] }, async ({ api, lookup }) => {
    const first = await lookup(input(UTK));
    // 999 has no legacy id among the ones the host compares: left out, never passed through
    // (a current id may equal another list's legacy id).
    assert.deepStrictEqual(first?.listMemberships, [7, 8]);
    const second = await lookup(input(OTHER_UTK));
    assert.deepStrictEqual(second?.listMemberships, [8]);
    assert.equal(api.count(MAPPING), 1, 'the id mapping is loaded once and cached');
    const mappingRequest = api.requests.find((r) => r.path === MAPPING);
    assert.deepStrictEqual(JSON.parse(mappingRequest?.body ?? 'null'), ['7', '8', '9']);
    assert.equal(api.count(MEMBERSHIPS), 2);
  }));

test('SPEC R27: listIds "v3" returns the lists API ids as they are, without mapping', () =>
  withApi({
    contacts: new Map([[UTK, { ...ALICE, legacyLists: [12] }]]),
    memberships: new Map([[501, ['101', '999']]]),
    idMapping: new Map([['7', '101']]),
  }, { listIds: 'v3', legacyListIds: [7] }, async ({ api, lookup }) => {
    const contact = await lookup(input(UTK));
    assert.deepStrictEqual(contact?.listMemberships, ['101', '999']);
    assert.equal(api.count(MAPPING), 0);
    assert.equal(api.requests[0].query.get('showListMemberships'), 'false');
  }));

test('SPEC R27: memberships are read across the lists API\'s pages', () =>
  withApi({
    contacts: new Map([[UTK, ALICE]]),
    memberships: new Map([[501, ['1', '2', '3', '4', '5']]]),
    pageSize: 2,
  }, { listIds: 'v3' }, async ({ api, lookup }) => {
    const contact = await lookup(input(UTK));
    assert.deepStrictEqual(contact?.listMemberships, ['1', '2', '3', '4', '5']);
    assert.equal(api.count(MEMBERSHIPS), 3);
  }));

test('SPEC R27: legacy ids without legacyListIds give no memberships and a warning naming the fix', () =>
  withApi({ contacts: new Map([[UTK, ALICE]]), memberships: new Map([[501, ['101']]]) }, {}, async ({ api, lookup, warnings }) => {
    const contact = await lookup(input(UTK));
    assert.deepStrictEqual(contact?.listMemberships, []);
    assert.equal(api.count(MEMBERSHIPS), 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /legacyListIds/);
  }));

test('SPEC R27: an unknown utk gives null, and the answer is cached', () =>
  withApi({}, {}, async ({ api, lookup }) => {
    assert.equal(await lookup(input(UTK)), null);
    assert.equal(await lookup(input(UTK)), null);
    assert.equal(api.count(PROFILE), 1);
  }));

test('SPEC R27: a profile that is not a contact (is-contact false) gives null', () =>
  withApi({ contacts: new Map([[UTK, { ...ALICE, isContact: false }]]) }, {}, async ({ lookup }) => {
    assert.equal(await lookup(input(UTK)), null);
  }));

test('SPEC R27: no utk, or one that is not a token, gives null without a call', () =>
  withApi({ contacts: new Map([[UTK, ALICE]]) }, {}, async ({ api, lookup }) => {
    for (const utk of [undefined, '', '../../admin', 'a b']) assert.equal(await lookup(input(utk)), null);
    assert.equal(api.requests.length, 0);
  }));

test('SPEC R27: a bad token gives null without throwing, and one warning per status per minute naming the scopes', () =>
  withApi({ contacts: new Map([[UTK, ALICE], [OTHER_UTK, ALICE]]) }, { accessToken: 'bad-token' }, async ({ lookup, warnings }) => {
    assert.equal(await lookup(input(UTK)), null);
    assert.equal(await lookup(input(OTHER_UTK)), null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /401/);
    assert.match(warnings[0], /crm\.objects\.contacts\.read/);
    assert.match(warnings[0], /crm\.lists\.read/);
  }));

const transient = [
  { name: 'SPEC R27: a 500 gives null and a warning, and is cached only briefly', status: 500 },
  { name: 'SPEC R27: a 429 gives null and a warning, and is cached only briefly', status: 429 },
  { name: 'SPEC R27: a 503 gives null and a warning, and is cached only briefly', status: 503 },
];
for (const t of transient) {
  test(t.name, () =>
    withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [] }]]), forceStatus: t.status }, { cacheTtlMs: 10_000 }, async ({ api, lookup, warnings }) => {
      assert.equal(await lookup(input(UTK)), null);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], new RegExp(String(t.status)));
      assert.equal(await lookup(input(UTK)), null);
      assert.equal(api.count(PROFILE), 1, 'a second request within the brief window is not sent');
    }));
}

test('SPEC R27: after a transient failure expires, the API is asked again', () =>
  withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [] }]]), forceStatus: 503 }, { cacheTtlMs: 60 }, async ({ api, lookup }) => {
    assert.equal(await lookup(input(UTK)), null);
    api.state.forceStatus = null;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await lookup(input(UTK)))?.vid, 501);
    assert.equal(api.count(PROFILE), 2);
  }));

test('SPEC R27: a lists API failure keeps the contact with no memberships, a warning, cached briefly', () =>
  withApi({
    contacts: new Map([[UTK, ALICE]]),
    memberships: new Map([[501, ['101']]]),
    routeStatus: new Map([[MEMBERSHIPS, 503]]),
  }, { listIds: 'v3', cacheTtlMs: 60 }, async ({ api, lookup, warnings }) => {
    const contact = await lookup(input(UTK));
    assert.equal(contact?.vid, 501);
    assert.deepStrictEqual(contact?.listMemberships, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /503/);
    api.state.routeStatus.clear();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepStrictEqual((await lookup(input(UTK)))?.listMemberships, ['101']);
  }));

test('SPEC R27: a contact the lists API does not know (404) is a member of nothing, without a warning', () =>
  withApi({
    contacts: new Map([[UTK, ALICE]]),
    routeStatus: new Map([[MEMBERSHIPS, 404]]),
  }, { listIds: 'v3' }, async ({ lookup, warnings }) => {
    const contact = await lookup(input(UTK));
    assert.deepStrictEqual(contact?.listMemberships, []);
    assert.equal(warnings.length, 0);
  }));

test('SPEC R27: a slow API gives null within the timeout, and the host request is still answered quickly', async () => {
  const api = await startFakeHubSpotApi({ contacts: new Map([[UTK, ALICE]]), delayMs: 5_000 });
  const warnings: string[] = [];
  const lookup = hubspotContactLookup({ accessToken: 'good-token', baseUrl: api.baseUrl, timeoutMs: 200, onWarning: (m) => warnings.push(m) });
  // A bare host that runs "the function" with whatever the hook answers, as the core does.
  const host = http.createServer(async (req, res) => {
    const contact = await lookup(input(UTK, req));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ contact }));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  try {
    const started = Date.now();
    const direct = await lookup(input(UTK));
    assert.equal(direct, null);
    assert.ok(Date.now() - started < 1_500, `the lookup took ${Date.now() - started} ms`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /200 ms/);

    const before = Date.now();
    const response = await fetch(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
    assert.equal(response.status, 200);
    assert.deepStrictEqual(await response.json(), { contact: null });
    assert.ok(Date.now() - before < 1_500, `the host request took ${Date.now() - before} ms`);
  } finally {
    host.closeAllConnections();
    await new Promise<void>((resolve) => host.close(() => resolve()));
    await api.close();
  }
});

test('SPEC R27: an unreachable API gives null and a warning, without throwing', async () => {
  const closed = await startFakeHubSpotApi();
  const baseUrl = closed.baseUrl;
  await closed.close();
  const warnings: string[] = [];
  const lookup = hubspotContactLookup({ accessToken: 't', baseUrl, onWarning: (m) => warnings.push(m) });
  assert.equal(await lookup(input(UTK)), null);
  assert.equal(warnings.length, 1);
});

test('SPEC R27: repeated lookups of a utk are served from the cache until the TTL expires', () =>
  withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [1] }]]) }, { cacheTtlMs: 80 }, async ({ api, lookup }) => {
    await lookup(input(UTK));
    await lookup(input(UTK));
    await lookup(input(UTK));
    assert.equal(api.count(PROFILE), 1);
    await new Promise((resolve) => setTimeout(resolve, 130));
    assert.equal((await lookup(input(UTK)))?.vid, 501);
    assert.equal(api.count(PROFILE), 2);
  }));

test('SPEC R27: a negative answer expires with the TTL too', () =>
  withApi({}, { cacheTtlMs: 60 }, async ({ api, lookup }) => {
    assert.equal(await lookup(input(UTK)), null);
    api.state.contacts.set(UTK, { ...ALICE, legacyLists: [] });
    assert.equal(await lookup(input(UTK)), null, 'still the cached "no contact"');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await lookup(input(UTK)))?.vid, 501);
    assert.equal(api.count(PROFILE), 2);
  }));

test('SPEC R27: concurrent lookups of one utk share one request', () =>
  withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [1] }]]), delayMs: 50 }, {}, async ({ api, lookup }) => {
    const results = await Promise.all(Array.from({ length: 5 }, () => lookup(input(UTK))));
    assert.equal(api.count(PROFILE), 1);
    for (const contact of results) assert.equal(contact?.vid, 501);
    assert.notEqual(results[0], results[1], 'each caller gets its own object');
  }));

test('SPEC R27: a function mutating its contact does not change the cached one', () =>
  withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [1] }]]) }, {}, async ({ lookup }) => {
    const first = await lookup(input(UTK));
    assert.ok(first);
    first.email = 'changed';
    first.listMemberships.push(99);
    const second = await lookup(input(UTK));
    assert.equal(second?.email, 'alice@example.com');
    assert.deepStrictEqual(second?.listMemberships, [1]);
  }));

test('SPEC R27: isLoggedIn comes from the host\'s check, per request, with the request and the contact', () => {
  const seen: Array<{ request: unknown; vid: number }> = [];
  return withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [1] }]]) }, {
    isLoggedIn: async (request: unknown, contact: Contact) => {
      seen.push({ request, vid: contact.vid });
      return (request as { session?: string }).session === 'ok';
    },
  }, async ({ api, lookup }) => {
    const loggedIn = { session: 'ok' };
    assert.equal((await lookup(input(UTK, loggedIn)))?.isLoggedIn, true);
    assert.equal((await lookup(input(UTK, { session: 'none' })))?.isLoggedIn, false);
    assert.deepStrictEqual(seen, [{ request: loggedIn, vid: 501 }, { request: { session: 'none' }, vid: 501 }]);
    assert.equal(api.count(PROFILE), 1, 'the contact is cached; the session check is not');
  });
});

test('SPEC R27: an isLoggedIn check that throws means not logged in, and a warning', () =>
  withApi({ contacts: new Map([[UTK, { ...ALICE, legacyLists: [1] }]]) }, {
    isLoggedIn: () => { throw new Error('session store down'); },
  }, async ({ lookup, warnings }) => {
    const contact = await lookup(input(UTK));
    assert.equal(contact?.isLoggedIn, false);
    assert.equal(warnings.length, 1);
  }));

const badOptions: Array<{ name: string; options: unknown }> = [
  { name: 'no accessToken', options: {} },
  { name: 'empty accessToken', options: { accessToken: '' } },
  { name: 'baseUrl not a URL', options: { accessToken: 't', baseUrl: 'not a url' } },
  { name: 'properties not an array', options: { accessToken: 't', properties: 'email' } },
  { name: 'negative cacheTtlMs', options: { accessToken: 't', cacheTtlMs: -1 } },
  { name: 'zero timeoutMs', options: { accessToken: 't', timeoutMs: 0 } },
  { name: 'unknown listIds', options: { accessToken: 't', listIds: 'v1' } },
  { name: 'isLoggedIn not a function', options: { accessToken: 't', isLoggedIn: true } },
  { name: 'legacyListIds not an array', options: { accessToken: 't', legacyListIds: 7 } },
];
for (const t of badOptions) {
  test(`SPEC R27: a bad option throws a TypeError at construction (${t.name})`, () => {
    assert.throws(() => hubspotContactLookup(t.options as HubSpotContactLookupOptions), TypeError);
  });
}

test('SPEC R27: the cache drops the least recently used entry beyond its size', () => {
  const cache = new LruCache<string, number>({ maxEntries: 2 });
  cache.set('a', 1, 1_000);
  cache.set('b', 2, 1_000);
  assert.deepStrictEqual(cache.get('a'), { value: 1 }, 'reading a makes b the oldest');
  cache.set('c', 3, 1_000);
  assert.equal(cache.get('b'), undefined);
  assert.deepStrictEqual(cache.get('a'), { value: 1 });
  assert.deepStrictEqual(cache.get('c'), { value: 3 });
  assert.equal(cache.size, 2);
});

test('SPEC R27: cache entries expire with their TTL; a cached null is a hit, and TTL 0 stores nothing', () => {
  let now = 1_000;
  const cache = new LruCache<string, number | null>({ maxEntries: 10, now: () => now });
  cache.set('none', null, 100);
  cache.set('zero', 1, 0);
  assert.deepStrictEqual(cache.get('none'), { value: null });
  assert.equal(cache.get('zero'), undefined);
  now += 99;
  assert.deepStrictEqual(cache.get('none'), { value: null });
  now += 1;
  assert.equal(cache.get('none'), undefined);
  assert.equal(cache.size, 0);
});
