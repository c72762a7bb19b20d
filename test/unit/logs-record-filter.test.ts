// The operators' filters (issue #15): one rule for the dashboard API and `hubspot-functions logs`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterFromQuery, matchesRecordFilter, outcomeOf, parseOutcome, type RecordFilter } from '../../src/logs/record-filter';
import type { LogRecord } from '../../src/types';

function record(fields: Partial<LogRecord>): LogRecord {
  return { id: 'AbC-123', status: 'SUCCESS', createdAt: 1_000, executionTime: 5, memory: '3/128 MB', log: '', endpoint: 'events/update', method: 'POST', statusCode: 200, instance: 'web-1', ...fields };
}

const outcomes: Array<{ name: string; record: LogRecord; want: string }> = [
  { name: 'SPEC R60: SUCCESS is success', record: record({}), want: 'success' },
  { name: 'SPEC R60: a 404 HubSpot records as SUCCESS is success', record: record({ statusCode: 404 }), want: 'success' },
  { name: 'SPEC R45: a timeout', record: record({ status: 'UNHANDLED_ERROR', statusCode: 504, error: { type: 'HSF_TIMEOUT', message: 'Task timed out after 10.00 seconds', stackTrace: [] } }), want: 'timeout' },
  { name: 'SPEC R55: refused by the budget', record: record({ status: 'ERROR', statusCode: 429, error: { type: 'HSF_RATE_LIMITED', message: 'over', stackTrace: [] } }), want: '429' },
  { name: 'a 429 the function answered itself', record: record({ statusCode: 429 }), want: '429' },
  { name: 'SPEC R46: a throw', record: record({ status: 'UNHANDLED_ERROR', statusCode: 500, error: { type: 'Error', message: 'boom', stackTrace: [] } }), want: 'error' },
  { name: 'SPEC R60: a handled 500', record: record({ status: 'HANDLED_ERROR', statusCode: 500 }), want: 'error' },
];
for (const t of outcomes) test(`outcomeOf: ${t.name}`, () => assert.equal(outcomeOf(t.record), t.want));

const matches: Array<{ name: string; filter: RecordFilter; want: boolean }> = [
  { name: 'no filter', filter: {}, want: true },
  { name: 'endpoint with a slash', filter: { endpoint: '/events/update' }, want: true },
  { name: 'endpoint without', filter: { endpoint: 'events/update' }, want: true },
  { name: 'another endpoint', filter: { endpoint: 'events' }, want: false },
  { name: 'outcome', filter: { outcome: 'success' }, want: true },
  { name: 'another outcome', filter: { outcome: 'error' }, want: false },
  { name: 'instance', filter: { instance: 'web-1' }, want: true },
  { name: 'another instance', filter: { instance: 'web-2' }, want: false },
  { name: 'request id part, any case', filter: { requestId: 'abc' }, want: true },
  { name: 'another request id', filter: { requestId: 'xyz' }, want: false },
  { name: 'since before', filter: { sinceMs: 1_000 }, want: true },
  { name: 'since after', filter: { sinceMs: 1_001 }, want: false },
];
for (const t of matches) test(`matchesRecordFilter: ${t.name}`, () => assert.equal(matchesRecordFilter(record({}), t.filter), t.want));

test('parseOutcome: the four names, HubSpot\'s statuses, and nothing else', () => {
  assert.deepEqual(['success', 'ERROR', 'timeout', '429', 'rate-limited', 'UNHANDLED_ERROR', 'HANDLED_ERROR', 'oops'].map(parseOutcome),
    ['success', 'error', 'timeout', '429', '429', 'error', 'error', null]);
});

test('filterFromQuery: the dashboard API\'s parameters; empty ones are no filter; a bad one is named', () => {
  assert.deepEqual(filterFromQuery(new URLSearchParams('endpoint=hello&status=timeout&instance=b&q=ab&since=5')), { endpoint: 'hello', outcome: 'timeout', instance: 'b', requestId: 'ab', sinceMs: 5 });
  assert.deepEqual(filterFromQuery(new URLSearchParams('endpoint=&status=&q=')), {});
  assert.deepEqual(filterFromQuery(new URLSearchParams('status=broken')), { invalid: 'status' });
  assert.deepEqual(filterFromQuery(new URLSearchParams('since=yesterday')), { invalid: 'since' });
});
