import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { measureMemory, startMemoryGuard } from '../../src/runner/memory-guard';

test('SPEC R44: measureMemory counts Buffer memory outside the V8 heap', () => {
  // The allocation can start a GC that shrinks the heap part (this shared test process holds
  // garbage): compare what measureMemory counts beyond the heap, before and after.
  const outsideHeap = (): number => measureMemory() - getHeapStatistics().used_heap_size;
  const before = outsideHeap();
  const big = Buffer.alloc(32 * 1024 * 1024, 1);
  const after = outsideHeap();
  assert.ok(after - before >= 31 * 1024 * 1024, `grew by ${after - before} bytes outside the heap`);
  assert.equal(big.length, 32 * 1024 * 1024);
});

test('SPEC R44: the guard reports once when the cap is passed, and not below it', () => {
  const reports: number[] = [];
  const roomy = startMemoryGuard({ limitBytes: Number.MAX_SAFE_INTEGER, intervalMs: 10_000, idleIntervalMs: 10_000, onOverLimit: (used) => reports.push(used) });
  assert.equal(roomy.check(), false);
  const tight = startMemoryGuard({ limitBytes: 1024, intervalMs: 10_000, idleIntervalMs: 10_000, onOverLimit: (used) => reports.push(used) });
  assert.equal(tight.check(), true);
  assert.equal(tight.check(), true);
  assert.equal(reports.length, 1);
  assert.ok(reports[0] > 1024);
});

test('SPEC R44: while busy, the guard also checks on its own short timer', async () => {
  const reports: number[] = [];
  const guard = startMemoryGuard({ limitBytes: 1024, intervalMs: 10, idleIntervalMs: 60_000, onOverLimit: (used) => reports.push(used) });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(reports.length, 0, 'idle: the long interval has not fired');
  guard.setBusy(true);
  for (let i = 0; i < 50 && reports.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(reports.length, 1);
});

test('SPEC R44: an idle guard drops to the idle rate: an idle instance does not wake a hundred times a second', async () => {
  // Counts the guard's timer firings by wrapping setInterval while the guard arms it.
  const original = globalThis.setInterval;
  const fired = { busy: 0, idle: 0 };
  globalThis.setInterval = ((callback: () => void, ms: number) =>
    original(() => {
      if (ms === 10) fired.busy++;
      else fired.idle++;
      callback();
    }, ms)) as typeof setInterval;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    const guard = startMemoryGuard({ limitBytes: Number.MAX_SAFE_INTEGER, intervalMs: 10, idleIntervalMs: 100, onOverLimit: () => {} });
    await wait(250);
    assert.equal(fired.busy, 0, 'never busy yet: only the idle rate');
    guard.setBusy(true);
    await wait(100);
    const whileBusy = fired.busy;
    assert.ok(whileBusy >= 3, `busy: the short timer fired ${whileBusy} times in 100 ms`);
    guard.setBusy(false);
    await wait(500);
    // 100 ms at the busy rate after the last call (about 10 firings), then the idle rate; a guard
    // that stayed at the busy rate would fire about 50 more times.
    assert.ok(fired.busy - whileBusy <= 20, `idle: the short timer fired ${fired.busy - whileBusy} more times in 500 ms`);
    assert.ok(fired.idle >= 3, `idle: the idle timer fired ${fired.idle} times`);
  } finally {
    globalThis.setInterval = original;
  }
});

test('SPEC R44: admit() lets small allocations through and refuses one past the cap before it happens', () => {
  const reports: Array<[number, number | undefined]> = [];
  const guard = startMemoryGuard({ limitBytes: measureMemory() + 64 * 1024 * 1024, intervalMs: 10_000, idleIntervalMs: 10_000, onOverLimit: (used, refused) => reports.push([used, refused]) });
  for (let i = 0; i < 100; i++) guard.admit(1024);
  assert.deepStrictEqual(reports, []);
  assert.throws(() => guard.admit(256 * 1024 * 1024), RangeError);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]![1], 256 * 1024 * 1024);
  // Tripped: every later allocation is refused too, and reported no more.
  assert.throws(() => guard.admit(1), RangeError);
  assert.equal(reports.length, 1);
});
