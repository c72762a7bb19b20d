// The frames between the host and a child process (issue #14): JSON headers, bodies as bytes,
// decoded whatever the chunk boundaries of the pipe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../src/definitions';
import { FrameDecoder, decodeFrame, encodeFrame } from '../../src/runner/process-protocol';
import type { FromChildMessage, ToChildMessage } from '../../src/runner/process-protocol';
import { endpointData } from '../helpers/runner-inputs';

function resultMessage(body: Buffer): FromChildMessage {
  const result: RunResult = { outcome: { type: 'response', response: { statusCode: 201, headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2']], body } }, log: 'line\n', executionTime: 1.5, memoryUsedMb: 3 };
  return { type: 'result', id: 7, result };
}

function runMessage(rawBody?: Buffer): ToChildMessage {
  const data = endpointData({ q: ['1', '2'] });
  if (rawBody !== undefined) data.context.rawBody = rawBody;
  return { type: 'run', id: 3, request: { requestId: 'r', functionId: 'f', data, timeoutMs: 1000 } };
}

const whole = (message: ToChildMessage | FromChildMessage): Buffer => Buffer.concat(encodeFrame(message));

const cases: Array<{ name: string; message: ToChildMessage | FromChildMessage }> = [
  { name: 'a small response body', message: resultMessage(Buffer.from('{"ok":true}')) },
  { name: 'an empty response body', message: resultMessage(Buffer.alloc(0)) },
  { name: 'binary bytes, zeros included', message: resultMessage(Buffer.from([0, 255, 0, 10, 13])) },
  { name: 'a 1 MB body (sent as a second chunk)', message: resultMessage(Buffer.alloc(1024 * 1024, 9)) },
  { name: 'a run without rawBody', message: runMessage() },
  { name: 'a run with an empty rawBody', message: runMessage(Buffer.alloc(0)) },
  { name: 'a run with a rawBody', message: runMessage(Buffer.from('a=1&b=2')) },
  { name: 'a message without bytes', message: { type: 'log', id: 1, level: 'WARN', message: 'ünïcödé ✓' } },
];

for (const t of cases) {
  test(`SPEC R54: ${t.name} round-trips through one frame`, () => {
    const decoded = decodeFrame(whole(t.message));
    assert.deepStrictEqual(decoded, t.message);
  });
}

test('SPEC R54: the encoder does not change the message it is given', () => {
  const message = runMessage(Buffer.from('raw'));
  encodeFrame(message);
  assert.ok(message.type === 'run' && Buffer.isBuffer(message.request.data.context.rawBody));
});

test('SPEC R54: frames split at every byte, or several in one chunk, decode in order', () => {
  const messages = cases.map((t) => t.message).filter((m) => m.type !== 'result' || m.result.outcome.type !== 'response' || m.result.outcome.response.body.length < 1000);
  const stream = Buffer.concat(messages.map(whole));
  for (const size of [1, 3, 4, 5, 9, 64, stream.length]) {
    const got: unknown[] = [];
    const decoder = new FrameDecoder<ToChildMessage | FromChildMessage>((m) => got.push(m));
    for (let i = 0; i < stream.length; i += size) decoder.push(stream.subarray(i, i + size));
    assert.deepStrictEqual(got, messages, `chunks of ${size} bytes`);
  }
});

test('SPEC R44: a header JSON cannot carry is an error for the sender, not a broken frame', () => {
  assert.throws(() => encodeFrame({ type: 'event', event: { requestId: 'r', level: 'WARN', message: 1n as unknown as string } }), TypeError);
});

test('SPEC R44: a frame announcing more than the limit, or less than a header, is refused before it is buffered', () => {
  const decoder = new FrameDecoder<ToChildMessage | FromChildMessage>(() => undefined, 1024);
  const big = Buffer.alloc(4);
  big.writeUInt32LE(1024 * 1024);
  assert.throws(() => decoder.push(big), RangeError);
  const tiny = new FrameDecoder<ToChildMessage | FromChildMessage>(() => undefined, 1024);
  assert.throws(() => tiny.push(Buffer.from([1, 0, 0, 0, 0])), RangeError);
});
