// Where outbound records show outside the record itself (issue #13): the default sink's indented
// lines under HSF_LOG_OUTBOUND=1 (off by default), the CLI's --outbound-rewrite and
// --outbound-deny flags, and the checks a host makes on what an instance reports.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io';
import { buildHostOptions, parseOutboundFlags } from '../../src/cli/host-flags';
import { CliUsageError } from '../../src/cli/usage-error';
import { createStderrSink, formatLogRecord } from '../../src/logs/format-log-record';
import { checkWorkerMessage } from '../../src/runner/worker-protocol';
import type { LogRecord } from '../../src/types';

const record: LogRecord = {
  id: 'req-1', status: 'SUCCESS', createdAt: Date.UTC(2021, 3, 28, 19, 19, 21, 666), executionTime: 40,
  memory: '12/128 MB', log: '2021-04-28T19:19:21.600Z\tINFO\thello\n', endpoint: 'contacts', method: 'GET', statusCode: 200, instance: 'test:1',
  outbound: [
    { method: 'GET', url: 'https://api.hubapi.com/crm/v3/objects/contacts?hapikey=[REDACTED]', status: 200, durationMs: 12, rewrittenTo: 'http://127.0.0.1:4010' },
    { method: 'POST', url: 'https://partner.example.com/v1', status: null, durationMs: 0, error: 'HSF_OUTBOUND_DENIED: refused by outbound.deny (the origin is not in outbound.rewrite)' },
    { method: 'GET', url: 'https://api.hubapi.com/slow', status: null, durationMs: 30 },
  ],
  outboundDropped: 3,
};
const head = '2021-04-28T19:19:21.666Z - SUCCESS - GET /contacts - Execution Time: 40ms - req-1\n2021-04-28T19:19:21.600Z\tINFO\thello\n';
const lines = [
  '  -> GET https://api.hubapi.com/crm/v3/objects/contacts?hapikey=[REDACTED] (rewritten to http://127.0.0.1:4010) 200 12ms\n',
  '  -> POST https://partner.example.com/v1 FAILED 0ms: HSF_OUTBOUND_DENIED: refused by outbound.deny (the origin is not in outbound.rewrite)\n',
  '  -> GET https://api.hubapi.com/slow RUNNING 30ms (still running when the function answered)\n',
  '  -> ... and 3 more calls, not listed\n',
].join('');

test('issue #13: HubSpot\'s format stays the default; with outbound, one indented line per call under the record', () => {
  assert.equal(formatLogRecord(record), head);
  assert.equal(formatLogRecord(record, { outbound: true }), head + lines);
  const { outbound: _, outboundDropped: __, ...none } = record;
  assert.equal(formatLogRecord(none, { outbound: true }), head);
});

test('issue #13: the default sink reads HSF_LOG_OUTBOUND=1 once, when it is made', async () => {
  const saved = process.env.HSF_LOG_OUTBOUND;
  try {
    for (const [value, want] of [[undefined, head], ['0', head], ['1', head + lines]] as const) {
      if (value === undefined) delete process.env.HSF_LOG_OUTBOUND;
      else process.env.HSF_LOG_OUTBOUND = value;
      const stream = new PassThrough();
      const sink = createStderrSink(stream);
      sink(record);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(stream.read()?.toString(), want, `HSF_LOG_OUTBOUND=${value}`);
    }
  } finally {
    if (saved === undefined) delete process.env.HSF_LOG_OUTBOUND;
    else process.env.HSF_LOG_OUTBOUND = saved;
  }
});

function io(): CliIo {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: process.cwd(), color: false, stopSignal: () => new Promise(() => undefined) };
}

test('issue #13: --outbound-rewrite <from>=<to> (repeatable) and --outbound-deny become the outbound option', async () => {
  assert.equal(parseOutboundFlags({}), undefined);
  const built = buildHostOptions({ 'outbound-rewrite': ['https://api.hubapi.com=http://127.0.0.1:4010', 'https://API.hubspot.com:443/=http://localhost:4011'], 'outbound-deny': true }, io());
  assert.deepEqual(built.options, { outbound: { rewrite: { 'https://api.hubapi.com': 'http://127.0.0.1:4010', 'https://api.hubspot.com': 'http://localhost:4011' }, deny: true } });
  await built.release();
  assert.deepEqual(parseOutboundFlags({ 'outbound-deny': true }), { rewrite: {}, deny: true });
  for (const value of ['https://api.hubapi.com', 'https://api.hubapi.com/v3=http://127.0.0.1:1', 'https://api.hubapi.com=127.0.0.1:1', '=']) {
    assert.throws(() => parseOutboundFlags({ 'outbound-rewrite': [value] }), (e: unknown) => e instanceof CliUsageError && e.message.includes('--outbound-rewrite') && e.message.includes(value), value);
  }
});

test('issue #13: the host checks the outbound parts of what an instance sends (function code can write to the channel)', () => {
  const result = { outcome: { type: 'timeout' }, log: '', executionTime: 1, memoryUsedMb: 1 };
  const call = { method: 'GET', url: 'https://x.test/', status: 200, durationMs: 1 };
  assert.equal(checkWorkerMessage({ type: 'result', id: 1, result: { ...result, outbound: [call], outboundDropped: 2 } }), null);
  assert.equal(checkWorkerMessage({ type: 'result', id: 1, result: { ...result, outbound: [{ ...call, status: 'ok' }] } }), 'a result whose outbound calls are not { method, url, status, durationMs }');
  assert.equal(checkWorkerMessage({ type: 'result', id: 1, result: { ...result, outbound: {} } }), 'a result whose outbound calls are not { method, url, status, durationMs }');
  assert.equal(checkWorkerMessage({ type: 'result', id: 1, result: { ...result, outboundDropped: 'x' } }), 'a result whose outboundDropped is not an integer');
  assert.equal(checkWorkerMessage({ type: 'outbound', id: 1, change: { type: 'start', method: 'GET', url: 'https://x.test/' } }), null);
  assert.equal(checkWorkerMessage({ type: 'outbound', id: 1, change: { type: 'end', index: 0, status: null, error: 'E: x' } }), null);
  assert.notEqual(checkWorkerMessage({ type: 'outbound', id: 1, change: { type: 'end', index: 'a', status: 200 } }), null);
  assert.notEqual(checkWorkerMessage({ type: 'outbound', id: 1, change: { type: 'start', url: 'https://x.test/' } }), null);
  assert.notEqual(checkWorkerMessage({ type: 'outbound', change: { type: 'start', method: 'GET', url: 'x' } }), null);
  assert.notEqual(checkWorkerMessage({ type: 'outbound', id: 1, change: { type: 'other' } }), null);
});
