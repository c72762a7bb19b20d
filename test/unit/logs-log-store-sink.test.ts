// The log store sink (issue #15): entries of one turn in one append, one append at a time, a
// bounded backlog while the store is down, one warning per outage and one at its end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogStore, LogStoreEntry } from '../../src/logs/log-store';
import { createLogStoreHealth, createLogStoreSink } from '../../src/logs/log-store-sink';
import type { FunctionsWarning, LogRecord } from '../../src/types';

function entry(id: string): LogStoreEntry {
  const record: LogRecord = { id, status: 'SUCCESS', createdAt: 1, executionTime: 2, memory: '3/128 MB', log: '', endpoint: 'hello', method: 'GET', statusCode: 200, instance: 'web-1' };
  return { type: 'record', record };
}

/** A store whose appends fail while `down` is set; every batch that reached it is kept. */
function fakeStore() {
  const batches: string[][] = [];
  const state = { down: false, calls: 0 };
  const store: LogStore = {
    async append(entries) {
      state.calls++;
      if (state.down) throw new Error('connect ECONNREFUSED');
      batches.push(entries.map((e) => (e.type === 'record' ? e.record.id : e.id)));
    },
    read: async () => ({ entries: [], cursor: '0-0' }),
    follow: () => ({ stop: () => undefined }),
  };
  return { store, batches, state };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('issue #15: the records of one event-loop turn are one append', async () => {
  const { store, batches } = fakeStore();
  const sink = createLogStoreSink(store, createLogStoreHealth(() => undefined));
  sink.write(entry('a'));
  sink.write(entry('b'));
  await turn();
  await turn();
  sink.write(entry('c'));
  await sink.close();
  assert.deepEqual(batches, [['a', 'b'], ['c']]);
});

test('issue #15: an outage is one warning; the backlog is bounded and sent when the store answers again, with what was dropped', async () => {
  const { store, batches, state } = fakeStore();
  const warnings: FunctionsWarning[] = [];
  const health = createLogStoreHealth((w) => warnings.push(w));
  const sink = createLogStoreSink(store, health, 3);
  state.down = true;
  sink.write(entry('a'));
  await turn();
  await turn();
  assert.equal(health.down, true);
  for (const id of ['b', 'c', 'd', 'e']) sink.write(entry(id));
  assert.deepEqual(warnings.map((w) => w.code), ['HSF_WARN_LOG_STORE_DOWN']);
  assert.equal(state.calls, 1, 'while down, nothing is sent before the retry period');
  state.down = false;
  await sink.close();
  assert.deepEqual(batches, [['c', 'd', 'e']], 'the newest 3 were kept');
  assert.deepEqual(warnings.map((w) => w.code), ['HSF_WARN_LOG_STORE_DOWN', 'HSF_WARN_LOG_STORE_RECOVERED']);
  assert.match(warnings[1]!.message, /\(2 written during the outage were not shared\)/);
});

test('issue #15: the recovery message says how many entries were not shared', () => {
  const warnings: FunctionsWarning[] = [];
  const health = createLogStoreHealth((w) => warnings.push(w));
  health.markFailed(new Error('timeout'));
  health.markFailed(new Error('timeout again'));
  health.dropped(7);
  health.markRecovered();
  health.markRecovered();
  assert.deepEqual(warnings.map((w) => w.code), ['HSF_WARN_LOG_STORE_DOWN', 'HSF_WARN_LOG_STORE_RECOVERED']);
  assert.match(warnings[0]!.message, /timeout/);
  assert.match(warnings[1]!.message, /7 written during the outage were not shared/);
});
