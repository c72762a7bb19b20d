// What a CLI command reads and writes, passed in rather than taken from `process`, so that a
// command can be run (and tested) with other streams, another environment and another cwd.

/** Streams and environment of one CLI run. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colours on stdout: only on a TTY, and never with NO_COLOR set. */
  color: boolean;
  /** Whether stdout is a terminal (a live progress line is drawn there). @default false */
  tty?: boolean;
  /** Resolves when the user asks the process to stop (SIGINT, SIGTERM). */
  stopSignal(): Promise<string>;
}

/** The real process's streams, environment and signals. */
export function createProcessIo(): CliIo {
  const tty = Boolean((process.stdout as NodeJS.WriteStream).isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    color: tty && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
    tty: tty && process.env.TERM !== 'dumb',
    stopSignal: () =>
      new Promise((resolve) => {
        const stop = (signal: string): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
  };
}

/** Writes one line. */
export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
