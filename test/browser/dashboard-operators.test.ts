// The dashboard for operators (issue #15) in Chromium (playwright-core, Debian's chromium; no
// browser is downloaded): two `serve` processes on one redis-server, the first with the
// dashboard; its page shows both instances' invocations live with an instance column, each filter
// (endpoint, status, instance, request id) changes the rows shown, a 4xx recorded as SUCCESS is
// amber, a warning raised after the answer is on its row, and each function has its figures and
// the account's budget gauge. Screenshot: test/artifacts/dashboard-operators.png (git-ignored).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServe, type ServeProcess } from '../cli/cli-process';
import { chromiumSkipReason, launchChromium } from '../helpers/chromium';
import { redisSkipReason, startRedis, type RunningRedis } from '../helpers/redis-server';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const OPS = join(ROOT, 'test', 'fixtures', 'operations.functions');

/** Why the suite cannot run here, or undefined. Under CI=true a missing browser or Redis fails instead. */
function skipReason(): string | undefined {
  return chromiumSkipReason() ?? redisSkipReason();
}

const skip = skipReason();
if (skip) console.log(`# operator dashboard tests skipped: ${skip}`);

// The predicates below run in the page (its CSP allows no string evaluation); the tests compile
// without the DOM lib, so these are the few page globals they use.
interface PageNode { textContent: string | null; querySelector(selector: string): PageNode | null }
declare const document: { querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>; querySelector(selector: string): PageNode | null };
declare function getComputedStyle(node: PageNode | null): { color: string };

const rows = (page: Page): Promise<number> => page.locator('#records tbody tr').count();

/** Waits until the records table shows `count` rows. */
async function rowsShown(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('#records tbody tr').length === n, count, { timeout: 10_000 });
}

describe('browser: the dashboard for operators (issue #15)', { skip }, () => {
  let browser: Browser;
  let redis: RunningRedis;
  let a: ServeProcess;
  let b: ServeProcess;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    redis = await startRedis();
    // One budget of 1 s per minute in Redis for both, and a 300 ms timeout: a few timeouts spend it.
    const common = [OPS, '--isolation', 'inline', '--redis', redis.url, '--rate-limit', '1', '--timeout', '300', '--quiet'];
    [a, b] = await Promise.all([
      startServe([...common, '--dashboard', '--instance', 'web-a']),
      startServe([...common, '--instance', 'web-b']),
    ]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    if (a) assert.equal(await a.stop(), 0);
    if (b) assert.equal(await b.stop(), 0);
    await redis?.stop();
  });

  test('issue #15: both instances live with an instance column; each filter changes the rows; amber 4xx; warnings; figures and budget gauge', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${a.url}/__dashboard`);
      await page.waitForSelector('#connection[data-state="live"]', { timeout: 10_000 });

      const call = async (server: ServeProcess, path: string, status: number): Promise<string> => {
        const res = await fetch(`${server.url}/_hcms/api/${path}`);
        assert.equal(res.status, status, path);
        return res.headers.get('x-request-id')!;
      };
      await call(a, 'hello', 200);
      const notFound = await call(a, 'status?status=404', 404);
      const threw = await call(a, 'throws', 500);
      const late = await call(a, 'late-twice', 200);
      const fromB = await call(b, 'hello', 200);
      // Timeouts until the budget refuses one (SPEC R55: an estimate is reserved at admission).
      let timeouts = 0;
      let refusedSlow = 0;
      for (let i = 0; i < 6 && refusedSlow === 0; i++) {
        const res = await fetch(`${a.url}/_hcms/api/slow?ms=1000`);
        if (res.status === 504) timeouts++;
        else if (res.status === 429) refusedSlow++;
        else assert.fail(`slow answered ${res.status}`);
      }
      assert.ok(timeouts >= 2 && refusedSlow === 1, `${timeouts} timeouts, ${refusedSlow} refused`);
      const refused = await call(a, 'hello', 429);
      const total = 5 + timeouts + refusedSlow + 1;
      await rowsShown(page, total);

      // The other instance's invocation, live through Redis, with its instance.
      assert.equal(await page.locator(`#records tbody tr[data-id="${fromB}"] td.instance`).textContent(), 'web-b');
      assert.equal(await page.locator(`#records tbody tr[data-id="${threw}"] td.instance`).textContent(), 'web-a');

      // Each filter changes the rows shown, and only matching rows remain.
      await page.selectOption('#filter-endpoint', '/hello');
      await rowsShown(page, 3);
      await page.selectOption('#filter-endpoint', '');
      for (const [outcome, count] of [['success', 4], ['error', 1], ['timeout', timeouts], ['429', 1 + refusedSlow]] as const) {
        await page.selectOption('#filter-status', outcome);
        await rowsShown(page, count);
        const outcomes = await page.locator('#records tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { outcome?: string } }).dataset.outcome));
        assert.deepEqual(new Set(outcomes), new Set([outcome]));
      }
      assert.equal(await page.locator(`#records tbody tr[data-id="${refused}"]`).count(), 1, 'the 429 row under the 429 filter');
      await page.selectOption('#filter-status', '');
      await page.selectOption('#filter-instance', 'web-b');
      await rowsShown(page, 1);
      assert.equal(await page.locator('#records tbody tr').getAttribute('data-id'), fromB);
      await page.selectOption('#filter-instance', '');
      await page.fill('#search', threw.slice(0, 8));
      await rowsShown(page, 1);
      await page.fill('#search', '');
      await rowsShown(page, total);
      assert.equal(await rows(page), total);

      // A 404 that HubSpot records as SUCCESS is amber, a 200 green (SPEC R60). Rows are redrawn
      // as events arrive: the colour is read in one step in the page.
      const colourIs = (id: string, rgb: string): Promise<unknown> => page.waitForFunction(
        ([rowId, want]) => getComputedStyle(document.querySelector(`#records tbody tr[data-id="${rowId}"] td:nth-child(2)`)).color === want, [id, rgb] as const, { timeout: 5_000 });
      await colourIs(notFound, 'rgb(161, 92, 7)');
      await colourIs(fromB, 'rgb(27, 127, 59)');
      assert.match((await page.locator(`#records tbody tr[data-id="${notFound}"] td:nth-child(2)`).textContent()) ?? '', /^SUCCESS 404/);

      // The second sendResponse came 50 ms after the answer: it is on the row and in the detail.
      await page.locator(`#records tbody tr[data-id="${late}"] .warn-badge`).waitFor({ timeout: 10_000 });
      await page.locator(`#records tbody tr[data-id="${late}"]`).click();
      await page.waitForSelector('#detail-warnings-block:not([hidden])');
      assert.match((await page.textContent('#detail-warnings')) ?? '', /HSF_WARN_LATE_EVENT: sendResponse was called after the response was sent/);

      // Per function: invocations, error rate, p50/p95 over 5 minutes (both instances' calls).
      const slowRow = page.locator('#routes tbody tr', { hasText: '/_hcms/api/slow' });
      await page.waitForFunction((n) => [...document.querySelectorAll('#routes tbody tr')]
        .some((tr) => tr.textContent?.includes('/_hcms/api/slow') && tr.querySelector('.stat-invocations')?.textContent === String(n)), timeouts + refusedSlow, { timeout: 10_000 });
      assert.equal(await slowRow.locator('.stat-error-rate').textContent(), '100%');
      assert.match((await slowRow.locator('.stat-p50').textContent()) ?? '', /^3\d\d ms$/);
      const helloRow = page.locator('#routes tbody tr', { hasText: '/_hcms/api/hello' });
      assert.equal(await helloRow.locator('.stat-invocations').textContent(), '3');
      assert.equal(await helloRow.locator('.stat-error-rate').textContent(), '33%');
      // The account's budget in the current window, as a gauge: the timeouts spent most of the 1 s.
      const gauge = page.locator('#budget .gauge[data-account-id="0"] meter');
      assert.equal(await gauge.getAttribute('max'), '1000');
      // A gauge stops at its max: the timeouts spent at least 300 ms each, up to the whole 1 s.
      const spent = Math.min(1000, timeouts * 300);
      const used = Number(await gauge.evaluate((m) => (m as unknown as { value: number }).value));
      assert.ok(used >= spent, `the gauge shows ${used} ms`);
      assert.ok(Number(await slowRow.locator('.stat-budget meter').evaluate((m) => (m as unknown as { value: number }).value)) >= spent);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-operators.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
