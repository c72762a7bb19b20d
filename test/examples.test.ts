// Every file in examples/ runs here: the Express app that `npm start` serves and the Koa app.
// They require the package by name, so they run against the build (npm test builds first).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { spawnServer } from './helpers/spawn-server';

const root = join(__dirname, '..');

for (const [name, script] of [['express (npm start)', 'examples/express/server.js'], ['koa (port 3001)', 'examples/koa/server.js']] as const) {
  describe(`examples: ${name}`, () => {
    test('serves both example folders and prints the route table', async () => {
      const server = await spawnServer(join(root, script), [], { PORT: '0' });
      try {
        const greet = await fetch(`${server.url}/_hcms/api/greet?name=Ada`);
        assert.equal(greet.status, 200);
        assert.deepEqual(await greet.json(), { message: 'Hello, Ada! Welcome to Example Site.' });
        const form = await fetch(`${server.url}/_hcms/api/contact-form`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'ada@example.com', message: 'hi' }),
        });
        assert.equal(form.status, 201);
        const bad = await fetch(`${server.url}/_hcms/api/contact-form`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        assert.equal(bad.status, 400);
        const events = await fetch(`${server.url}/_hcms/api/events`);
        assert.deepEqual(await events.json(), { events: ['Launch party', 'Webinar', 'Meetup'] });
        const quote = await fetch(`${server.url}/hs/serverless/fetch-quote?i=1`);
        assert.equal(quote.status, 200);
        assert.equal(((await quote.json()) as { a: string }).a, 'Kent Beck');
        const privateFn = await fetch(`${server.url}/hs/serverless/crm-card`);
        assert.equal(privateFn.status, 404);
        // The route table names every function; the default sink prints HubSpot-format lines (SPEC R62).
        assert.match(server.output(), /\/_hcms\/api\/greet\s+GET\s+/);
        assert.match(server.output(), /\(private\) crm-card/);
        assert.match(server.output(), /Z - SUCCESS - GET \/greet - Execution Time: \d+ms/);
        assert.match(server.output(), /\tINFO\tgreeting Ada/);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    });
  });
}
