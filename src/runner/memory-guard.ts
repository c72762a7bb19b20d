// The memory cap inside a worker (SPEC R44). `resourceLimits` bounds the V8 heap only, so
// `Buffer.alloc(1 GB)` would pass; this guard also counts external memory (Buffers,
// ArrayBuffers: Node's `external` already includes `arrayBuffers`), after every invocation and
// on a short timer. It is a heap + external limit, not RSS: threads share one process's RSS.

import { measureHeapBytes } from '../invoke/sample-heap';

/** Heap in use plus external memory of this thread's isolate, in bytes. */
export function measureMemory(): number {
  // V8's heap + external memory (Buffers and ArrayBuffers included), without process.memoryUsage()'s RSS syscall.
  return measureHeapBytes();
}

/** What startMemoryGuard needs. */
export interface MemoryGuardOptions {
  limitBytes: number;
  /** How often to check while an invocation runs. */
  intervalMs: number;
  /** How often to check while none runs (only timers set at load can allocate then). */
  idleIntervalMs: number;
  /** Called once, with the bytes in use, when the cap is passed. */
  onOverLimit(usedBytes: number): void;
}

/** A running memory guard. */
export interface MemoryGuard {
  /** Checks now; true when the cap is passed (onOverLimit was then called). */
  check(): boolean;
  /** Switches between the busy and the idle interval: idle workers cost next to nothing. */
  setBusy(busy: boolean): void;
}

/**
 * Checks memory on a timer (unref'd: it never keeps a worker alive) and on demand; reports the
 * first time the cap is passed.
 */
export function startMemoryGuard(options: MemoryGuardOptions): MemoryGuard {
  let tripped = false;
  let busy = false;
  let timer: NodeJS.Timeout | undefined;
  const check = (): boolean => {
    if (tripped) return true;
    const used = measureMemory();
    if (used <= options.limitBytes) return false;
    tripped = true;
    clearInterval(timer);
    options.onOverLimit(used);
    return true;
  };
  const schedule = (): void => {
    clearInterval(timer);
    if (tripped) return;
    timer = setInterval(check, busy ? options.intervalMs : options.idleIntervalMs);
    timer.unref();
  };
  schedule();
  return {
    check,
    setBusy(next: boolean): void {
      if (next === busy) return;
      busy = next;
      schedule();
    },
  };
}
