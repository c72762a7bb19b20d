// Log lines leave once per event-loop turn, not once per record (issue #7, #12): stdout and
// stderr to a file or a pipe are synchronous writes on Linux, so one syscall per record cost the
// `serve` benchmark up to 20% of its throughput. A burst never buffers without bound.

/** A writer that joins the text of one event-loop turn into one write. */
export interface BatchedWriter {
  write: (text: string) => void;
  /** Writes what is pending now (before a line written straight to the same stream). */
  flush: () => void;
}

/** Pieces held before a write is forced. */
const MAX_PENDING = 256;

/** The flushes of writers holding text: an exit (a crash included) writes it first. */
const holding = new Set<() => void>();
let exitHooked = false;

function flushAllAtExit(): void {
  for (const flush of holding) flush();
}

/**
 * Creates a batched writer over `stream`. The immediate that flushes stays ref'd, so pending
 * text is written before a natural exit; a process 'exit' (process.exit(), a crash) writes it too.
 * @example
 * const out = createBatchedWriter(process.stdout);
 * out.write('one line\n');
 */
export function createBatchedWriter(stream: NodeJS.WritableStream): BatchedWriter {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    holding.delete(flush);
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0] : pending.join('');
    pending = [];
    stream.write(text);
  };
  return {
    write(text) {
      pending.push(text);
      if (pending.length >= MAX_PENDING) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
        holding.add(flush);
        if (!exitHooked) {
          exitHooked = true;
          // Stdout and stderr to a file or a pipe write synchronously, so this lands before the
          // process ends, also when an unhandled rejection ends it in the same turn.
          process.on('exit', flushAllAtExit);
        }
      }
    },
    flush,
  };
}
