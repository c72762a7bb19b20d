// Function instances yield the CPU to the host's event loop (issue #12). Where a worker thread (or
// a child process) and the host's main thread share a core, a message to the instance woke it and
// the kernel switched to it at once, preempting the host in the middle of its batch of ready
// sockets: context switches on every request, one call per wake-up. A slightly lower priority for
// the instance lets the host finish its turn first and the instance take its calls when the host
// waits. With a core to spare the instance runs there anyway; under contention it still gets its
// share, never starved.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much nicer than the host an instance is (Linux nice steps: each ~1.25× less weight). */
export const INSTANCE_NICENESS = 5;

/**
 * Lowers a thread's or process's scheduling priority by INSTANCE_NICENESS below what it has (it
 * starts with the host's). Linux gives each thread a nice value of its own, set through its
 * thread id. Does nothing where that is not possible.
 * @param pid a child process to lower (from the host); default: the calling thread
 */
export function yieldToHost(pid?: number): void {
  try {
    const id = pid ?? Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(id) || id <= 0) return;
    setPriority(id, Math.min(19, getPriority(id) + INSTANCE_NICENESS));
  } catch {
    // No /proc/thread-self (macOS, Windows), or not allowed: the instance keeps its priority.
  }
}
