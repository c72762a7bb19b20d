import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createStderrSink, formatLogRecord } from '../../src/logs/format-log-record';
import type { LogRecord } from '../../src/types';

const base: LogRecord = {
  id: 'req-1', status: 'SUCCESS', createdAt: Date.UTC(2021, 3, 28, 19, 19, 21, 666), executionTime: 279.4,
  memory: '12/128 MB', log: '', endpoint: 'events/update', method: 'GET', statusCode: 200, instance: 'web-1',
};

const cases: Array<{ name: string; record: LogRecord; want: string }> = [
  {
    name: 'SPEC R62: the summary line alone',
    record: base,
    want: '2021-04-28T19:19:21.666Z - SUCCESS - GET /events/update - Execution Time: 279ms - req-1\n',
  },
  {
    name: 'SPEC R62: the summary line, then the captured lines',
    record: { ...base, log: '2021-04-28T19:19:21.600Z\tINFO\thello\n' },
    want: '2021-04-28T19:19:21.666Z - SUCCESS - GET /events/update - Execution Time: 279ms - req-1\n2021-04-28T19:19:21.600Z\tINFO\thello\n',
  },
  {
    name: 'SPEC R62 R60: an error adds its stack',
    record: {
      ...base, status: 'UNHANDLED_ERROR', method: 'POST', statusCode: 500, executionTime: 3,
      error: { type: 'Error', message: 'boom', stackTrace: ['Error: boom', '    at main (fn.js:1:1)'] },
    },
    want: '2021-04-28T19:19:21.666Z - UNHANDLED_ERROR - POST /events/update - Execution Time: 3ms - req-1\nError: boom\n    at main (fn.js:1:1)\n',
  },
  {
    name: 'SPEC R62 R60: an error without a stack shows type and message',
    record: { ...base, status: 'ERROR', statusCode: 429, executionTime: 0, error: { type: 'HSF_RATE_LIMITED', message: 'over budget', stackTrace: [] } },
    want: '2021-04-28T19:19:21.666Z - ERROR - GET /events/update - Execution Time: 0ms - req-1\nHSF_RATE_LIMITED: over budget\n',
  },
];

for (const t of cases) {
  test(t.name, () => assert.equal(formatLogRecord(t.record), t.want));
}

test('SPEC R62: the stderr sink writes the records of one event-loop turn to its stream in one write', async () => {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const sink = createStderrSink(stream);
  sink(base);
  sink({ ...base, id: 'second' });
  assert.equal(chunks.length, 0, 'nothing written synchronously');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(chunks.length, 1, 'one write for the turn');
  assert.equal(chunks[0], formatLogRecord(base) + formatLogRecord({ ...base, id: 'second' }));
});

test('the stderr sink writes at once when 256 records are pending (bounded buffer)', () => {
  const stream = new PassThrough();
  let writes = 0;
  stream.on('data', () => writes++);
  const sink = createStderrSink(stream);
  for (let i = 0; i < 256; i++) sink({ ...base, id: `r${i}` });
  assert.equal(writes, 1);
});
