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

/**
 * Creates a batched writer over `stream`. The immediate that flushes stays ref'd, so pending
 * text is written before a natural exit.
 * @example
 * const out = createBatchedWriter(process.stdout);
 * out.write('one line\n');
 */
export function createBatchedWriter(stream: NodeJS.WritableStream): BatchedWriter {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
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
      }
    },
    flush,
  };
}
