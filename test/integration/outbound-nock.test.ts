// nock keeps working under createTestApp's default deny (issue #13), whichever is set up first: a
// call is refused only where it would really go out, so a mocked call is still answered and an
// unmocked one is refused. nock patches this whole process, so this file holds only this suite;
// the other order is in outbound-nock-first.test.ts.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createTestApp } from '../../src/testing';
import { fixture } from '../helpers/frameworks';

describe('issue #13: nock set up after the host loaded its functions', { timeout: 30_000 }, () => {
  const app = createTestApp(fixture('outbound/nock.functions'));
  let nock: typeof import('nock') | undefined;
  after(async () => {
    await app.close();
    nock?.restore();
  });

  test('mocked calls are answered by nock; unmocked ones, even with net connect enabled in nock, are refused by deny', async () => {
    await app.host.ready;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    nock = require('nock') as typeof import('nock');
    nock('https://api.hubapi.com').get('/mocked').times(2).reply(200, 'from-nock');
    nock.enableNetConnect();
    const { body, record } = await app.invoke('/_hcms/api/mocked', { query: { unmockedHttps: '1' } });
    assert.deepEqual(body, { https: '200 from-nock', fetch: '200 from-nock', unmockedFetch: 'error HSF_OUTBOUND_DENIED', unmockedHttps: 'error HSF_OUTBOUND_DENIED' });
    // nock's fetch runs before ours here: the mocked fetch never reaches hubspot-functions.
    assert.deepEqual(record.outbound?.map((c) => [c.url, c.status, c.error?.split(':')[0]]), [
      ['https://api.hubapi.com/mocked', 200, undefined],
      ['https://partner.example.com/unmocked', null, 'HSF_OUTBOUND_DENIED'],
      ['https://partner.example.com/unmocked', null, 'HSF_OUTBOUND_DENIED'],
    ]);
  });
});
