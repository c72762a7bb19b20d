// nock keeps working under createTestApp's default deny (issue #13) when it is set up before the
// host loads its functions (the usual order: `require('nock')` at the top of a test file). nock
// patches this whole process, so this file holds only this suite.
import assert from 'node:assert/strict';
import nock from 'nock';
import { after, describe, test } from 'node:test';
import { createTestApp } from '../../src/testing';
import { fixture } from '../helpers/frameworks';

describe('issue #13: nock set up before the host loads its functions', { timeout: 30_000 }, () => {
  nock('https://api.hubapi.com').get('/mocked').times(2).reply(200, 'from-nock');
  // nock passes unmocked http requests on by itself, past hubspot-functions (docs/outbound.md,
  // limits): keep its own guard on, as such tests do.
  nock.disableNetConnect();
  const app = createTestApp(fixture('outbound/nock.functions'));
  after(async () => {
    await app.close();
    nock.restore();
  });

  test('mocked calls are answered by nock and recorded (hubspot-functions sees them first); nock\'s own guard refuses the rest', async () => {
    const { body, record } = await app.invoke('/_hcms/api/mocked');
    assert.deepEqual(body, { https: '200 from-nock', fetch: '200 from-nock', unmockedFetch: 'error ENETUNREACH' });
    assert.deepEqual(record.outbound?.map((c) => [c.url, c.status, c.error?.split(':')[0]]), [
      ['https://api.hubapi.com/mocked', 200, undefined],
      ['https://api.hubapi.com/mocked', 200, undefined],
      ['https://partner.example.com/unmocked', null, 'ENETUNREACH'],
    ]);
  });
});
