// host.health() (issue #15): loading until every module loaded or failed, ok then (with the
// counts), draining once close() began.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFunctionsHost } from '../../src/index';
import { fixture } from '../helpers/frameworks';

test('issue #15: health() is loading, then ok with the counts (a failed load included), then draining', async () => {
  const host = createFunctionsHost(fixture('broken.functions'), { isolation: 'inline', onLog: false, onWarning: () => undefined });
  const first = host.health();
  assert.equal(first.status, 'loading');
  assert.equal(first.functions.loaded + first.functions.failed + first.functions.pending, host.routes.length);
  assert.ok(first.functions.pending > 0);
  await host.ready;
  const ready = host.health();
  assert.equal(ready.status, 'ok');
  assert.equal(ready.functions.pending, 0);
  assert.ok(ready.functions.loaded >= 1 && ready.functions.failed >= 1, JSON.stringify(ready));
  const closing = host.close();
  assert.equal(host.health().status, 'draining');
  await closing;
  assert.equal(host.health().status, 'draining');
});
