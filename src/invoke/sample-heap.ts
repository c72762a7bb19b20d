// Memory figures without a system call. process.memoryUsage() also reads the RSS (a syscall and
// a /proc parse, ~6 µs) and showed as a quarter of the CPU of every inline request in the
// benchmark (issue #7); V8's own statistics give the heap and external memory for ~0.3 µs.
import { getHeapStatistics } from 'node:v8';

const MB = 1024 * 1024;
/** How long a sampled figure is reused for a record's `memory` field. */
const SAMPLE_MS = 100;

let sampledAt = -Infinity;
let sampledMb = 0;

/** Heap + external memory in bytes (external includes ArrayBuffers and Buffers), measured now. */
export function measureHeapBytes(): number {
  const stats = getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

/** Heap in use, in MB, sampled at most every 100 ms: for a log record, not for enforcement. */
export function sampleHeapUsedMb(now: number = Date.now()): number {
  if (now - sampledAt >= SAMPLE_MS) {
    sampledAt = now;
    sampledMb = Math.round(getHeapStatistics().used_heap_size / MB);
  }
  return sampledMb;
}
