// One invocation's outbound list (issue #13): order of start, the 100 cap and its count, calls
// still running at the answer, nothing changed after it; and what a failure says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFailure, MAX_OUTBOUND_CALLS, OutboundRecorder } from '../../src/outbound/outbound-recorder';

test('issue #13: calls in order of start, each ended by its own index', () => {
  const r = new OutboundRecorder();
  const a = r.start('GET', 'https://a.test/', undefined);
  const b = r.start('POST', 'https://b.test/', 'http://127.0.0.1:1');
  r.end(b, 201, undefined);
  r.end(a, null, 'ECONNRESET: socket hang up');
  r.end(a, 200, undefined);
  const { calls, dropped } = r.close();
  assert.equal(dropped, 0);
  assert.deepEqual(calls.map((c) => ({ ...c, durationMs: 0 })), [
    { method: 'GET', url: 'https://a.test/', status: null, durationMs: 0, error: 'ECONNRESET: socket hang up' },
    { method: 'POST', url: 'https://b.test/', status: 201, durationMs: 0, rewrittenTo: 'http://127.0.0.1:1' },
  ]);
});

test('issue #13: at most 100 calls are listed, the rest counted', () => {
  const r = new OutboundRecorder();
  const indexes = Array.from({ length: MAX_OUTBOUND_CALLS + 7 }, (_, i) => r.start('GET', `https://x.test/${i}`, undefined));
  assert.deepEqual(indexes.slice(-8), [99, -1, -1, -1, -1, -1, -1, -1]);
  r.end(-1, 200, undefined);
  const { calls, dropped } = r.close();
  assert.equal(calls.length, MAX_OUTBOUND_CALLS);
  assert.equal(dropped, 7);
});

test('issue #13: a call still running at close keeps status null and its time so far; nothing changes after close', async () => {
  const r = new OutboundRecorder();
  const i = r.start('GET', 'https://slow.test/', undefined);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const { calls } = r.close();
  assert.equal(calls[0]?.status, null);
  assert.ok(calls[0]!.durationMs >= 1);
  r.end(i, 200, undefined);
  assert.equal(r.start('GET', 'https://late.test/', undefined), -1);
  assert.deepEqual(r.close().calls.map((c) => [c.url, c.status]), [['https://slow.test/', null]]);
});

test('issue #13: apply() replays an instance\'s reported changes', () => {
  const r = new OutboundRecorder();
  r.apply({ type: 'start', method: 'GET', url: 'https://a.test/', rewrittenTo: 'http://127.0.0.1:1' });
  r.apply({ type: 'start', method: 'GET', url: 'https://b.test/' });
  r.apply({ type: 'end', index: 0, status: 200 });
  r.apply({ type: 'end', index: 9, status: 200 });
  assert.deepEqual(r.close().calls.map((c) => [c.url, c.status, c.rewrittenTo]), [['https://a.test/', 200, 'http://127.0.0.1:1'], ['https://b.test/', null, undefined]]);
});

test('issue #13: a failure reads as <code>: <message>, through fetch\'s TypeError to its cause', () => {
  assert.equal(describeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
  const cause = Object.assign(new Error('getaddrinfo ENOTFOUND x.test'), { code: 'ENOTFOUND' });
  assert.equal(describeFailure(new TypeError('fetch failed', { cause })), 'ENOTFOUND: getaddrinfo ENOTFOUND x.test');
  const abort = new DOMException('This operation was aborted', 'AbortError');
  assert.match(describeFailure(abort), /^(AbortError|20): This operation was aborted$/);
  assert.equal(describeFailure('weird'), 'weird');
  assert.match(describeFailure(Object.assign(new Error('long text'), { code: 'HSF_OUTBOUND_DENIED' })), /^HSF_OUTBOUND_DENIED: refused by outbound\.deny/);
});
