// serve's record printer (SPEC R62, issue #12): HubSpot's lines or JSON lines, written once per
// event-loop turn: one synchronous write per record cost serve about a fifth of its throughput.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { formatLogRecord } from '../../src/logs/format-log-record';
import { createRecordPrinter, formatRecordForTerminal } from '../../src/cli/terminal-records';
import type { LogRecord } from '../../src/types';

const record: LogRecord = {
  id: 'req-1', createdAt: Date.UTC(2026, 11, 7, 12, 0, 0), status: 'SUCCESS', executionTime: 3, memory: '10/128 MB',
  log: '2026-12-07T12:00:00.000Z\tINFO\thi\n', endpoint: 'hello', method: 'GET', statusCode: 200, instance: 'web-1',
};

function capture(): { stream: PassThrough; writes: string[] } {
  const stream = new PassThrough();
  const writes: string[] = [];
  stream.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
  return { stream, writes };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('SPEC R62: serve prints the records of one event-loop turn in one write, in order', async () => {
  const { stream, writes } = capture();
  const printer = createRecordPrinter(stream, { json: false, color: false, outbound: false });
  printer.print(record);
  printer.print({ ...record, id: 'req-2' });
  printer.print({ ...record, id: 'req-3', status: 'ERROR', statusCode: 500 });
  await turn();
  await turn();
  assert.deepStrictEqual(writes, [formatLogRecord(record) + formatLogRecord({ ...record, id: 'req-2' }) + formatLogRecord({ ...record, id: 'req-3', status: 'ERROR', statusCode: 500 })]);
});

test('serve --json prints one JSON object a line, batched the same way', async () => {
  const { stream, writes } = capture();
  const printer = createRecordPrinter(stream, { json: true, color: false, outbound: false });
  printer.print(record);
  printer.print({ ...record, id: 'req-2' });
  await turn();
  await turn();
  assert.equal(writes.length, 1);
  assert.deepStrictEqual(writes[0].trimEnd().split('\n').map((line) => JSON.parse(line).id), ['req-1', 'req-2']);
});

test('flush() writes what is pending at once (before a line written straight to the stream)', async () => {
  const { stream, writes } = capture();
  const printer = createRecordPrinter(stream, { json: false, color: true, outbound: false });
  printer.print(record);
  printer.flush();
  stream.write('[watch] reloaded\n');
  await turn();
  await turn();
  assert.deepStrictEqual(writes, [formatRecordForTerminal(record, true), '[watch] reloaded\n']);
  assert.match(writes[0], /\x1b\[/, 'the status is coloured on a TTY');
});
