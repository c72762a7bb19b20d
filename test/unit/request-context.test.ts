import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAppFunctionContext, buildEndpointContext } from '../../src/request/build-context';
import { reviveContext } from '../../src/request/revive-context';
import { parseParams } from '../../src/request/parse-params';
import type { AppFunctionContext, HubSpotContext } from '../../src/types';

const LIMITS = { executionsRemaining: 599, timeRemaining: 598_000 };

function endpointInput(extra: Partial<Parameters<typeof buildEndpointContext>[0]> = {}): Parameters<typeof buildEndpointContext>[0] {
  return {
    accountId: 123,
    body: { a: 1 },
    contact: null,
    headers: { cookie: 'hubspotutk=u', 'x-forwarded-for': '1.2.3.4' },
    params: parseParams('?a=1&a=2&__proto__=p'),
    limits: LIMITS,
    method: 'POST',
    endpoint: 'events/update',
    ...extra,
  };
}

test('SPEC R20: the endpoint context has exactly the documented keys', () => {
  const data = buildEndpointContext(endpointInput());
  assert.equal(data.kind, 'endpoint');
  assert.deepStrictEqual(Object.keys(data.context), ['accountId', 'body', 'contact', 'headers', 'params', 'limits', 'method', 'endpoint']);
  assert.deepStrictEqual(data.context.limits, LIMITS);
});

const optionalCases: Array<{ name: string; extra: Partial<Parameters<typeof buildEndpointContext>[0]>; present: string[]; absent: string[] }> = [
  { name: 'SPEC R29: secrets are present when given', extra: { secrets: { API_KEY: 'k' } }, present: ['secrets'], absent: ['rawBody', 'url'] },
  { name: 'SPEC R29: secrets are absent (not undefined) when not given', extra: {}, present: [], absent: ['secrets', 'rawBody', 'url'] },
  { name: 'SPEC R20: rawBody and url are present when given', extra: { rawBody: Buffer.from('x'), url: 'https://h/x' }, present: ['rawBody', 'url'], absent: ['secrets'] },
];

for (const t of optionalCases) {
  test(t.name, () => {
    const { context } = buildEndpointContext(endpointInput(t.extra));
    for (const key of t.present) assert.ok(key in context, `${key} should be present`);
    for (const key of t.absent) assert.ok(!(key in context), `${key} should be absent`);
  });
}

/** Revives after a structured clone, as a worker runner does. */
function throughClone(data: ReturnType<typeof buildEndpointContext>): HubSpotContext {
  return reviveContext(structuredClone(data)) as HubSpotContext;
}

const reviveModes: Array<{ name: string; revive: (d: ReturnType<typeof buildEndpointContext>) => HubSpotContext }> = [
  { name: 'in process', revive: (d) => reviveContext(d) as HubSpotContext },
  { name: 'after a structured clone', revive: throughClone },
];

for (const mode of reviveModes) {
  test(`SPEC R25: revived headers read case-insensitively (${mode.name})`, () => {
    const context = mode.revive(buildEndpointContext(endpointInput()));
    assert.equal(context.headers.Cookie, 'hubspotutk=u');
    assert.equal(context.headers['X-Forwarded-For'], '1.2.3.4');
    assert.deepStrictEqual(Object.keys(context.headers), ['cookie', 'x-forwarded-for']);
  });

  test(`SPEC R21: revived params are null-prototype with __proto__ as a plain key (${mode.name})`, () => {
    const context = mode.revive(buildEndpointContext(endpointInput()));
    assert.equal(Object.getPrototypeOf(context.params), null);
    assert.deepStrictEqual(context.params.a, ['1', '2']);
    assert.deepStrictEqual(context.params.__proto__, ['p']);
    assert.equal(context.params.constructor, undefined);
  });

  test(`SPEC R20: revived rawBody is a Buffer with the same bytes (${mode.name})`, () => {
    const context = mode.revive(buildEndpointContext(endpointInput({ rawBody: Buffer.from('héllo') })));
    assert.ok(Buffer.isBuffer(context.rawBody));
    assert.equal(context.rawBody?.toString('utf8'), 'héllo');
    assert.equal(context.rawBody?.toString('base64'), Buffer.from('héllo').toString('base64'));
  });

  test(`SPEC R20: revived scalars and body are unchanged (${mode.name})`, () => {
    const context = mode.revive(buildEndpointContext(endpointInput({ secrets: { K: 'v' } })));
    assert.equal(context.accountId, 123);
    assert.equal(context.method, 'POST');
    assert.equal(context.endpoint, 'events/update');
    assert.deepStrictEqual(context.body, { a: 1 });
    assert.equal(context.contact, null);
    assert.deepStrictEqual(context.limits, LIMITS);
    assert.deepStrictEqual(context.secrets, { K: 'v' });
    assert.ok(!('rawBody' in context));
  });
}

test('SPEC R20: a structured clone turns a Buffer into a Uint8Array, which revive undoes', () => {
  const cloned = structuredClone(buildEndpointContext(endpointInput({ rawBody: Buffer.from('ab') })));
  assert.ok(!Buffer.isBuffer(cloned.context.rawBody));
  assert.ok(Buffer.isBuffer((reviveContext(cloned) as HubSpotContext).rawBody));
});

const appCases: Array<{ name: string; input: Parameters<typeof buildAppFunctionContext>[0]; want: Record<string, unknown> }> = [
  {
    name: 'SPEC R40: app function defaults: parameters {}, propertiesToSend {}, event null',
    input: { accountId: 1, limits: LIMITS },
    want: { parameters: {}, propertiesToSend: {}, event: null, accountId: 1, limits: LIMITS },
  },
  {
    name: 'SPEC R40: app function values given are passed through',
    input: { accountId: 2, limits: LIMITS, parameters: { q: 1 }, propertiesToSend: { email: 'a@b.c' }, event: { type: 'x' } },
    want: { parameters: { q: 1 }, propertiesToSend: { email: 'a@b.c' }, event: { type: 'x' }, accountId: 2, limits: LIMITS },
  },
  {
    name: 'SPEC R29: app function secrets are present when given',
    input: { accountId: 3, limits: LIMITS, secrets: { S: 'v' } },
    want: { parameters: {}, propertiesToSend: {}, event: null, accountId: 3, limits: LIMITS, secrets: { S: 'v' } },
  },
];

for (const t of appCases) {
  test(t.name, () => {
    const data = buildAppFunctionContext(t.input);
    assert.equal(data.kind, 'appFunction');
    assert.deepStrictEqual(data.context, t.want);
    const revived = reviveContext(structuredClone(data)) as AppFunctionContext;
    assert.deepStrictEqual({ ...revived }, t.want);
  });
}
