// The memory cap of a child process, enforced from outside (SPEC R44): the host reads each
// child's resident set from /proc/<pid>/statm, every 10 ms while the child loads or runs a call
// and every second while it is idle, so no allocation pattern inside the function (a synchronous
// Buffer or typed-array flood included) can pass its cap by more than what it writes in ~10 ms
// before it is killed. One timer serves every child; it is unref'd and runs only while there is
// something to watch. Linux only: elsewhere (no /proc) the child checks its own heap and
// external memory instead, as a worker does.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** One child under watch. */
export interface WatchedProcess {
  readonly pid: number;
  /** Loading or running a call: sampled at the busy interval. */
  busy(): boolean;
  /** Called with every sample of the child's resident set, in bytes. */
  onSample(rssBytes: number): void;
}

/** A child's place in the watch; close() when the child is gone. */
export interface MemoryWatchEntry {
  /** The last resident set read, in bytes (0 before the first). */
  readonly rssBytes: number;
  /** Samples now (a call just ended, a child just booted). */
  sample(): void;
  /** Tells the watch the child became busy: sampling goes to the short interval now. */
  busied(): void;
  close(): void;
}

const BUSY_INTERVAL_MS = 10;
const IDLE_INTERVAL_MS = 1000;

interface Entry extends MemoryWatchEntry {
  rssBytes: number;
  sampledAt: number;
  readonly child: WatchedProcess;
}

const entries = new Set<Entry>();
let timer: NodeJS.Timeout | undefined;
let tickMs = 0;
let pageBytes = 0;
const scratch = Buffer.alloc(128);

/** Whether the host can read children's memory from /proc (Linux). */
export function canWatchMemory(): boolean {
  try {
    return readResidentPages(openSync('/proc/self/statm', 'r'), true) > 0;
  } catch {
    return false;
  }
}

/** Starts watching `child`; its samples go to `child.onSample`. */
export function watchMemory(child: WatchedProcess): MemoryWatchEntry {
  // The fd stays open for the child's life: one pread per sample, and never another process's
  // file should the pid be reused.
  let fd: number | null = null;
  try {
    fd = openSync(`/proc/${child.pid}/statm`, 'r');
  } catch {
    fd = null;
  }
  const entry: Entry = {
    child,
    rssBytes: 0,
    sampledAt: 0,
    sample() {
      if (fd === null) return;
      let pages: number;
      try {
        pages = readResidentPages(fd, false);
      } catch {
        return;
      }
      entry.sampledAt = Date.now();
      entry.rssBytes = pages * pageSize();
      child.onSample(entry.rssBytes);
    },
    busied() {
      // Going back to the idle interval waits for the next tick: no timer churn per call.
      if (tickMs !== BUSY_INTERVAL_MS) schedule();
    },
    close() {
      if (!entries.delete(entry)) return;
      if (fd !== null) closeSync(fd);
      fd = null;
      schedule();
    },
  };
  entries.add(entry);
  schedule();
  return entry;
}

function tick(): void {
  const now = Date.now();
  for (const entry of [...entries]) {
    if (entry.child.busy() || now - entry.sampledAt >= IDLE_INTERVAL_MS) entry.sample();
  }
  schedule();
}

/** One timer at the interval the busiest child needs; none when nothing is watched. */
function schedule(): void {
  let wanted = 0;
  for (const entry of entries) {
    wanted = IDLE_INTERVAL_MS;
    if (entry.child.busy()) {
      wanted = BUSY_INTERVAL_MS;
      break;
    }
  }
  if (wanted === tickMs) return;
  clearInterval(timer);
  tickMs = wanted;
  timer = undefined;
  if (wanted === 0) return;
  timer = setInterval(tick, wanted);
  timer.unref();
}

/** Resident pages: the second field of statm. */
function readResidentPages(fd: number, closeAfter: boolean): number {
  try {
    const n = readSync(fd, scratch, 0, scratch.length, 0);
    const text = scratch.toString('latin1', 0, n);
    return Number.parseInt(text.slice(text.indexOf(' ') + 1), 10);
  } finally {
    if (closeAfter) closeSync(fd);
  }
}

/** The page size statm counts in: this process's VmRSS (kB) over its resident pages, as a power of two. */
function pageSize(): number {
  if (pageBytes > 0) return pageBytes;
  pageBytes = 4096;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]);
    const pages = readResidentPages(openSync('/proc/self/statm', 'r'), true);
    if (kb > 0 && pages > 0) pageBytes = 2 ** Math.round(Math.log2((kb * 1024) / pages));
  } catch {
    // Keep 4 KiB, the page size of every common Linux machine.
  }
  return pageBytes;
}
