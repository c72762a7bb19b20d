// How the CLI reports a host that could not be created: a configuration error (SPEC R7) names
// the file, the JSON path and the fix in its message; a bad option is a TypeError. Both exit 2.
import { isFunctionsError } from '../errors';
import { writeLine, type CliIo } from './cli-io';
import { paint } from './paint';

/** Prints a mount-time error and returns exit code 2; rethrows anything else. */
export function reportHostError(error: unknown, io: CliIo): number {
  if (isFunctionsError(error)) {
    writeLine(io.stderr, paint(io.color, 'red', `error [${error.code}]: ${error.message}`));
    return 2;
  }
  if (error instanceof TypeError) {
    writeLine(io.stderr, paint(io.color, 'red', `error: ${error.message}`));
    return 2;
  }
  throw error;
}
