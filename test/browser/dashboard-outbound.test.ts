// The dashboard's invocation detail lists the invocation's outbound calls (issue #13): a table of
// method, URL (and where a rewrite sent it), status and duration, failures marked. Debian's
// chromium through playwright-core, against an in-process host on 127.0.0.1; screenshot in
// test/artifacts/ (git-ignored).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createRequestListener, type RequestListener } from '../../src/index';
import { startFakeHubSpotApi, type FakeHubSpotApi } from '../helpers/fake-hubspot-api';
import { fixture, listen } from '../helpers/frameworks';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the suite cannot run here, or undefined. Under CI=true a missing browser fails instead. */
function skipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const message = `chromium not found at ${CHROMIUM}: install it with: sudo apt-get install chromium`;
  if (process.env.CI === 'true') throw new Error(message);
  return message;
}

const skip = skipReason();
if (skip) console.log(`# browser tests skipped: ${skip}`);

describe('browser: the dashboard shows an invocation\'s outbound calls (issue #13)', { skip, timeout: 60_000 }, () => {
  let browser: Browser;
  let api: FakeHubSpotApi;
  let listener: RequestListener;
  let server: Server;
  let base: string;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startFakeHubSpotApi({ token: 'pat-dash-1234', hapikey: 'legacy-key-0001', crmContacts: [{ id: '1', properties: {} }] });
    listener = createRequestListener(fixture('outbound/core.functions'), {
      isolation: 'inline', onLog: false, onWarning: () => undefined, dashboard: {}, secrets: { HUBSPOT_TOKEN: 'pat-dash-1234' },
      outbound: { rewrite: { 'https://api.hubapi.com': api.baseUrl }, deny: true },
    });
    server = await listen((req, res) => void listener(req, res));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await listener?.close();
    await api?.close();
  });

  test('one row per call: the rewritten call with its target and 200, the refused ones marked failed with their error', async () => {
    const ok = await fetch(`${base}/_hcms/api/https-request`);
    assert.equal(ok.status, 200);
    const denied = await fetch(`${base}/_hcms/api/denied`);
    assert.equal(denied.status, 200);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${base}/__dashboard`);
      await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });

      await page.locator(`#records tbody tr[data-id="${denied.headers.get('x-request-id')}"]`).click();
      await page.waitForSelector('#detail-outbound-block:not([hidden])');
      const rows = page.locator('#detail-outbound tbody tr');
      assert.equal(await rows.count(), 2);
      for (let i = 0; i < 2; i++) {
        assert.equal(await rows.nth(i).getAttribute('class'), 'outbound-failed');
        const text = (await rows.nth(i).textContent()) ?? '';
        assert.match(text, /^GEThttps:\/\/partner\.example\.com\/v[12]\/things/);
        assert.match(text, /failedHSF_OUTBOUND_DENIED: refused by outbound\.deny/);
      }
      assert.match((await rows.nth(0).textContent()) ?? '', /things\?token=\[REDACTED\]/);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-outbound.png'), fullPage: true });

      await page.locator(`#records tbody tr[data-id="${ok.headers.get('x-request-id')}"]`).click();
      assert.equal(await rows.count(), 1);
      assert.equal((await rows.first().getAttribute('class')) ?? '', '');
      const cells = rows.first().locator('td');
      assert.equal(await cells.nth(0).textContent(), 'GET');
      assert.equal(await cells.nth(1).textContent(), `https://api.hubapi.com/crm/v3/objects/contacts?hapikey=[REDACTED]&limit=2rewritten to ${api.baseUrl}`);
      assert.equal(await cells.nth(2).textContent(), '200');
      assert.match((await cells.nth(3).textContent()) ?? '', /^\d+ ms$/);
      assert.ok(!((await page.content()).includes('legacy-key-0001')), 'the page never shows the hapikey');
    } finally {
      await context.close();
    }
  });
});
