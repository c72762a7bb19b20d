import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../src/definitions';
import { prepareTransfer, reviveResult } from '../../src/runner/worker-protocol';

function resultWith(body: Uint8Array): RunResult {
  return { outcome: { type: 'response', response: { statusCode: 200, headers: [], body: body as Buffer } }, log: '', executionTime: 1, memoryUsedMb: 1 };
}

function bodyOf(result: RunResult): Buffer {
  assert.equal(result.outcome.type, 'response');
  return result.outcome.type === 'response' ? result.outcome.response.body : Buffer.alloc(0);
}

test('SPEC R54: reviveResult turns a cloned Uint8Array body back into a Buffer over the same bytes', () => {
  const cloned = new Uint8Array([104, 105, 33]);
  const body = bodyOf(reviveResult(resultWith(cloned)));
  assert.ok(Buffer.isBuffer(body));
  assert.equal(body.toString(), 'hi!');
  assert.equal(body.buffer, cloned.buffer, 'no copy');
});

test('SPEC R54: reviveResult leaves error and timeout outcomes alone', () => {
  const timeout: RunResult = { outcome: { type: 'timeout' }, log: 'x', executionTime: 1, memoryUsedMb: 0 };
  assert.deepStrictEqual(reviveResult(timeout), timeout);
});

const transferCases = [
  { name: 'a small body is cloned, not transferred', size: 1024, transferred: 0 },
  { name: 'a body just under 64 KB is cloned', size: 64 * 1024 - 1, transferred: 0 },
  { name: 'a body of 64 KB or more is transferred', size: 64 * 1024, transferred: 1 },
  { name: 'a 1 MB body is transferred', size: 1024 * 1024, transferred: 1 },
];

for (const t of transferCases) {
  test(`SPEC R54: prepareTransfer: ${t.name}, and never the function's own Buffer`, () => {
    const own = Buffer.alloc(t.size, 7);
    const result = resultWith(own);
    const transfer = prepareTransfer(result);
    assert.equal(transfer.length, t.transferred);
    const body = bodyOf(result);
    assert.ok(body.equals(Buffer.alloc(t.size, 7)));
    if (t.transferred > 0) {
      assert.notEqual(body.buffer, own.buffer, 'a copy of its own is what gets transferred');
      assert.equal(transfer[0], body.buffer);
    }
  });
}
