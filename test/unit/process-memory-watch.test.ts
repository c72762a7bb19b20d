// The RSS watch of child processes (issue #14, SPEC R44), pointed at this process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canWatchMemory, watchMemory } from '../../src/runner/process-memory-watch';

const MB = 1024 * 1024;

test('SPEC R44: a busy process is sampled on a short timer, its RSS as /proc reports it; close() stops it', async () => {
  assert.equal(canWatchMemory(), process.platform === 'linux');
  if (process.platform !== 'linux') return;
  const samples: number[] = [];
  const entry = watchMemory({ pid: process.pid, busy: () => true, onSample: (rss) => samples.push(rss) });
  for (let i = 0; i < 100 && samples.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  entry.close();
  assert.ok(samples.length >= 3, `${samples.length} samples`);
  const rss = process.memoryUsage.rss();
  assert.ok(Math.abs(entry.rssBytes - rss) < 32 * MB, `watched ${entry.rssBytes}, memoryUsage ${rss}`);
  const after = samples.length;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(samples.length, after, 'no sample after close()');
});

test('SPEC R44: an idle process is sampled once a second at most', async () => {
  if (process.platform !== 'linux') return;
  const samples: number[] = [];
  const entry = watchMemory({ pid: process.pid, busy: () => false, onSample: (rss) => samples.push(rss) });
  await new Promise((resolve) => setTimeout(resolve, 200));
  entry.close();
  assert.ok(samples.length <= 1, `${samples.length} samples in 200 ms`);
});
