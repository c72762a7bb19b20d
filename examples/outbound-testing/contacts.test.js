// A supertest test of a function that calls HubSpot's API, against a local fake, in worker
// isolation, with no nock or msw (docs/outbound.md). Run it with `node --test`.
const assert = require('node:assert/strict');
const http = require('node:http');
const { after, before, test } = require('node:test');
const request = require('supertest');
const { createTestApp } = require('hubspot-functions/testing');

// The fake HubSpot API: a real server on 127.0.0.1 that answers what the function asks for.
const seen = [];
const fake = http.createServer((req, res) => {
  seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ results: [{ id: '1', properties: { email: 'ada@example.com' } }] }));
});

let app;
before(async () => {
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  app = createTestApp(`${__dirname}/hubspot.functions`, {
    isolation: 'worker',
    secrets: { PRIVATE_APP_ACCESS_TOKEN: 'test-token' },
    // Calls to HubSpot go to the fake; any other origin fails inside the function (the default).
    outbound: { rewrite: { 'https://api.hubapi.com': `http://127.0.0.1:${fake.address().port}` } },
  });
});
after(async () => {
  await app.close();
  fake.close();
});

test('lists the contacts HubSpot returns', async () => {
  const response = await request(app).get('/_hcms/api/contacts?limit=1').expect(200);
  assert.deepEqual(response.body, { emails: ['ada@example.com'] });
  assert.deepEqual(seen, [{ method: 'GET', url: '/crm/v3/objects/contacts?limit=1&properties=email', authorization: 'Bearer test-token' }]);

  // The invocation's record lists the call: the URL the function asked for, and where it went.
  const { record } = await app.invoke('/_hcms/api/contacts', { query: { limit: '1' } });
  const [call] = record.outbound;
  assert.equal(call.url, 'https://api.hubapi.com/crm/v3/objects/contacts?limit=1&properties=email');
  assert.equal(call.rewrittenTo, `http://127.0.0.1:${fake.address().port}`);
  assert.equal(call.status, 200);
});
