// The dashboard keeps a bounded number of records, oldest dropped first (issue #6).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingBuffer } from '../../src/dashboard/ring-buffer';

const cases = [
  { name: 'issue #6: below capacity keeps everything in order', capacity: 3, push: [1, 2], want: [1, 2] },
  { name: 'issue #6: at capacity keeps everything', capacity: 3, push: [1, 2, 3], want: [1, 2, 3] },
  { name: 'issue #6: past capacity drops the oldest first', capacity: 3, push: [1, 2, 3, 4, 5], want: [3, 4, 5] },
  { name: 'issue #6: wraps around many times and stays bounded', capacity: 2, push: [1, 2, 3, 4, 5, 6, 7], want: [6, 7] },
  { name: 'issue #6: capacity 1 keeps the newest', capacity: 1, push: [1, 2], want: [2] },
];
for (const t of cases) {
  test(t.name, () => {
    const buffer = new RingBuffer<number>(t.capacity);
    for (const n of t.push) buffer.push(n);
    assert.deepEqual(buffer.toArray(), t.want);
    assert.equal(buffer.size, t.want.length);
  });
}

test('issue #6: findLast finds the newest match, undefined when dropped or absent', () => {
  const buffer = new RingBuffer<{ id: string; n: number }>(2);
  for (const [id, n] of [['a', 1], ['b', 2], ['b', 3]] as const) buffer.push({ id, n });
  assert.deepEqual(buffer.findLast((r) => r.id === 'b'), { id: 'b', n: 3 });
  assert.equal(buffer.findLast((r) => r.id === 'a'), undefined);
});

test('issue #6: a capacity below 1 is a TypeError', () => {
  assert.throws(() => new RingBuffer(0), TypeError);
});
