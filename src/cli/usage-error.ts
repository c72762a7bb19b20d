// A mistake in the command line itself (an unknown flag, a bad value): the CLI prints it with
// the command's usage and exits 2, distinct from a function that failed (1).

/** A command-line mistake; exit code 2. */
export class CliUsageError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
