// The memory cap inside a worker (SPEC R44). `resourceLimits` bounds the V8 heap only, so
// `Buffer.alloc(1 GB)` would pass; this guard also counts external memory (Buffers,
// ArrayBuffers: Node's `external` already includes `arrayBuffers`), after every invocation and
// on a short timer. It is a heap + external limit, not RSS: threads share one process's RSS.
// A timer cannot run while a function allocates in a synchronous loop, so Buffer's own
// allocators also ask the guard first (guardBufferAllocations); `new Uint8Array(n)`,
// `new ArrayBuffer(n)` and native code cannot be intercepted from JavaScript: only a process
// boundary bounds those (issue #14, `isolation: 'process'`).

import { measureHeapBytes } from '../invoke/sample-heap';

const MB = 1024 * 1024;
/** Allocations are summed up to this before the guard measures: one V8 statistics call per MB. */
const ADMIT_MEASURE_BYTES = MB;

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
  /** Called once, with the bytes in use and, when an allocation was refused, the bytes it asked for. */
  onOverLimit(usedBytes: number, refusedBytes?: number): void;
}

/** A running memory guard. */
export interface MemoryGuard {
  /** Checks now; true when the cap is passed (onOverLimit was then called). */
  check(): boolean;
  /**
   * Called before `bytes` are allocated: over the cap, it trips (onOverLimit) and throws a
   * RangeError instead of letting the allocation happen.
   */
  admit(bytes: number): void;
  /** Heap + external bytes at the last check(). */
  readonly lastUsedBytes: number;
  /** Whether a call runs: idle, the guard measures only every idleIntervalMs. */
  setBusy(busy: boolean): void;
}

/**
 * Checks memory on a timer (unref'd: it never keeps a worker alive) and on demand; reports the
 * first time the cap is passed.
 */
export function startMemoryGuard(options: MemoryGuardOptions): MemoryGuard {
  let tripped = false;
  let busy = false;
  let lastUsedBytes = 0;
  const check = (): boolean => {
    if (tripped) return true;
    const used = (lastUsedBytes = measureMemory());
    if (used <= options.limitBytes) return false;
    tripped = true;
    clearInterval(timer);
    options.onOverLimit(used);
    return true;
  };
  // At the busy rate while calls come; after idleIntervalMs without one, at the idle rate (an
  // idle instance wakes once a second, not a hundred times). The timer is re-armed only at those
  // two transitions, never per call: under load it stays at the busy rate.
  const idleEvery = Math.max(1, Math.round(options.idleIntervalMs / options.intervalMs));
  let idleTicks = 0;
  let period = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number): void => {
    clearInterval(timer);
    period = ms;
    timer = setInterval(tick, ms);
    timer.unref();
  };
  const tick = (): void => {
    if (busy || period === options.idleIntervalMs) {
      check();
    } else if (++idleTicks >= idleEvery) {
      if (!check()) arm(options.idleIntervalMs);
    }
  };
  arm(options.idleIntervalMs);
  // Bytes admitted since the last measurement: small allocations are summed, not measured each.
  let pending = 0;
  const admit = (bytes: number): void => {
    if (!tripped) {
      pending += bytes;
      if (pending < ADMIT_MEASURE_BYTES) return;
      const used = measureMemory();
      const wanted = used + pending;
      pending = 0;
      if (wanted <= options.limitBytes) return;
      tripped = true;
      clearInterval(timer);
      options.onOverLimit(used, bytes);
    }
    throw new RangeError(`Memory limit reached: allocating ${bytes} bytes would pass this function's cap of ${Math.round(options.limitBytes / MB)} MB (SPEC R44)`);
  };
  return {
    check,
    get lastUsedBytes() {
      return lastUsedBytes;
    },
    admit,
    setBusy(next: boolean): void {
      busy = next;
      idleTicks = 0;
      if (next && !tripped && period !== options.intervalMs) arm(options.intervalMs);
    },
  };
}

/** Buffer's allocators (Buffer.concat and most of Node's own code use them too). */
const ALLOCATORS = ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const;

/**
 * Makes Buffer.alloc, Buffer.allocUnsafe and Buffer.allocUnsafeSlow (in this thread) ask the
 * guard before they allocate, so a synchronous loop of big Buffers stops at the cap instead of
 * after it has taken the process's memory (issue #14).
 */
export function guardBufferAllocations(guard: MemoryGuard): void {
  const target = Buffer as unknown as Record<(typeof ALLOCATORS)[number], (size: number, ...rest: unknown[]) => Buffer>;
  for (const name of ALLOCATORS) {
    const allocate = target[name];
    Object.defineProperty(Buffer, name, {
      configurable: true,
      writable: true,
      enumerable: true,
      value: { [name](size: number, ...rest: unknown[]): Buffer {
        if (typeof size === 'number' && size > 0) guard.admit(size);
        return allocate.call(Buffer, size, ...rest);
      } }[name],
    });
  }
}
