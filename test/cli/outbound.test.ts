// The CLI's outbound flags end to end (issue #13): `--outbound-rewrite <from>=<to>` and
// `--outbound-deny` on invoke and serve, records as `serve --json` lines, and HSF_LOG_OUTBOUND=1's
// one line per call under a record. A fake HubSpot API on 127.0.0.1 stands in for api.hubapi.com.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LogRecord } from '../../src/types';
import { startFakeHubSpotApi, type FakeHubSpotApi } from '../helpers/fake-hubspot-api';
import { ROOT, runCli, startServe } from './cli-process';

const CORE = join(ROOT, 'test', 'fixtures', 'outbound', 'core.functions');
const TOKEN = 'pat-cli-0badc0de';
const HAPIKEY = 'legacy-key-0001';

describe('issue #13: the CLI\'s outbound flags', { timeout: 60_000 }, () => {
  let api: FakeHubSpotApi;
  let rewrite: string;
  before(async () => {
    api = await startFakeHubSpotApi({ token: TOKEN, hapikey: HAPIKEY, crmContacts: [{ id: '7', properties: {} }] });
    rewrite = `https://api.hubapi.com=${api.baseUrl}`;
  });
  after(() => api.close());

  test('invoke --outbound-rewrite: the function answers with the fake\'s data; HSF_LOG_OUTBOUND=1 prints the call under the record', async () => {
    const run = await runCli(['invoke', '/_hcms/api/https-request', CORE, '--isolation', 'inline', '--outbound-rewrite', rewrite], { env: { HUBSPOT_TOKEN: TOKEN, HSF_LOG_OUTBOUND: '1' } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"ids": \[\s*"7"\s*\]/);
    const line = `  -> GET https://api.hubapi.com/crm/v3/objects/contacts?hapikey=[REDACTED]&limit=2 (rewritten to ${api.baseUrl}) 200 `;
    assert.ok(run.stderr.includes(line), run.stderr);
    assert.ok(!run.stderr.includes(HAPIKEY) && !run.stdout.includes(HAPIKEY));
  });

  test('invoke --outbound-deny --json: the unlisted origin fails inside the function, which answers; the record says so', async () => {
    const run = await runCli(['invoke', '--json', '/_hcms/api/denied', CORE, '--isolation', 'inline', '--outbound-deny'], { env: { HUBSPOT_TOKEN: TOKEN } });
    assert.equal(run.code, 0, run.stderr);
    const { statusCode, body, record } = JSON.parse(run.stdout) as { statusCode: number; body: { https: { code: string } }; record: LogRecord };
    assert.equal(statusCode, 200);
    assert.equal(body.https.code, 'HSF_OUTBOUND_DENIED');
    assert.deepEqual(record.outbound?.map((c) => c.error?.split(':')[0]), ['HSF_OUTBOUND_DENIED', 'HSF_OUTBOUND_DENIED']);
    assert.equal((await runCli(['invoke', '/_hcms/api/denied', CORE, '--outbound-rewrite', 'https://api.hubapi.com/v3=http://127.0.0.1:1'])).code, 2);
  });

  test('serve --json: each record line carries its outbound calls (worker isolation)', async () => {
    const server = await startServe([CORE, '--json', '--isolation', 'worker', '--outbound-rewrite', rewrite], { HUBSPOT_TOKEN: TOKEN });
    try {
      const res = await fetch(`${server.url}/_hcms/api/https-request`);
      assert.equal(res.status, 200);
      const id = res.headers.get('x-request-id')!;
      await server.waitFor(new RegExp(`"id":"${id}"`));
      const record = server.stdout().split('\n').filter((l) => l.includes(`"id":"${id}"`)).map((l) => JSON.parse(l) as LogRecord)[0]!;
      assert.deepEqual(record.outbound?.map((c) => [c.method, c.url, c.status, c.rewrittenTo]), [
        ['GET', 'https://api.hubapi.com/crm/v3/objects/contacts?hapikey=[REDACTED]&limit=2', 200, api.baseUrl],
      ]);
      assert.ok(!server.output().includes(HAPIKEY));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
