// The record hub (issue #15): warnings an invocation raises are kept on its record, or, once the
// record is out, handed to the late listeners and the log store; nothing is kept when nobody listens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRecordHub } from '../../src/host/record-hub';
import type { LogStoreEntry } from '../../src/logs/log-store';
import type { LogStoreSink } from '../../src/logs/log-store-sink';
import type { LogRecord, RecordWarning } from '../../src/types';

function record(id: string): LogRecord {
  return { id, status: 'SUCCESS', createdAt: 1, executionTime: 2, memory: '3/128 MB', log: '', endpoint: 'hello', method: 'GET', statusCode: 200, instance: 'web-1' };
}
const warning = (message: string): RecordWarning => ({ code: 'HSF_WARN_LATE_EVENT', message, at: 5 });

function fakeStore(): LogStoreSink & { entries: LogStoreEntry[] } {
  const entries: LogStoreEntry[] = [];
  return { entries, write: (entry) => entries.push(entry), close: async () => undefined };
}

test('issue #15, SPEC R47: a warning raised before the record is emitted is on the record every sink and listener sees', () => {
  const seen: LogRecord[] = [];
  const store = fakeStore();
  const hub = createRecordHub({ onLog: (r) => seen.push(r), defaultLogSink: false, instance: 'web-1' }, store);
  hub.warn('a', warning('second sendResponse'));
  hub.warn('a', warning('third'));
  hub.emit(record('a'));
  hub.emit(record('b'));
  assert.deepEqual(seen.map((r) => [r.id, r.warnings?.map((w) => w.message)]), [['a', ['second sendResponse', 'third']], ['b', undefined]]);
  assert.deepEqual(store.entries.map((e) => e.type === 'record' && e.record.warnings?.length), [2, undefined]);
});

test('issue #15: a warning raised after its record went out reaches the late listeners and the store, not the sink again', () => {
  const seen: LogRecord[] = [];
  const late: Array<[string, string]> = [];
  const store = fakeStore();
  const hub = createRecordHub({ onLog: (r) => seen.push(r), defaultLogSink: false, instance: 'web-1' }, store);
  hub.subscribeLate((id, w) => late.push([id, w.message]));
  hub.emit(record('a'));
  hub.warn('a', warning('threw in a timer'));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.warnings, undefined);
  assert.deepEqual(late, [['a', 'threw in a timer']]);
  assert.deepEqual(store.entries[1], { type: 'warning', id: 'a', instance: 'web-1', warning: warning('threw in a timer') });
});

test('issue #15: without a sink, a listener or a store, warnings are not kept (no record will carry them)', () => {
  const hub = createRecordHub({ onLog: null, defaultLogSink: false, instance: 'web-1' });
  assert.equal(hub.listening(), false);
  hub.warn('a', warning('nobody listens'));
  const seen: LogRecord[] = [];
  hub.subscribe((r) => seen.push(r));
  hub.emit(record('a'));
  assert.equal(seen[0]!.warnings, undefined);
});

test('issue #15: warnings of records that never come are bounded (256 held at most)', () => {
  const hub = createRecordHub({ onLog: () => undefined, defaultLogSink: false, instance: 'web-1' });
  for (let i = 0; i < 300; i++) hub.warn(`never-${i}`, warning(String(i)));
  const seen: LogRecord[] = [];
  hub.subscribe((r) => seen.push(r));
  hub.emit(record('never-0'));
  hub.emit(record('never-299'));
  assert.equal(seen[0]!.warnings, undefined, 'the oldest was dropped');
  assert.deepEqual(seen[1]!.warnings?.map((w) => w.message), ['299']);
});

test('a throwing sink or listener does not stop the others', () => {
  const seen: string[] = [];
  const hub = createRecordHub({ onLog: () => { throw new Error('sink'); }, defaultLogSink: false, instance: 'web-1' });
  hub.subscribe(() => { throw new Error('listener'); });
  hub.subscribe((r) => seen.push(r.id));
  hub.emit(record('a'));
  assert.deepEqual(seen, ['a']);
});
