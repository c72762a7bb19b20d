// An error as a log record and a client see it (SPEC R60): `{ type, message, stackTrace }`, in
// the shape Lambda's Node runtime reports (`stack.split('\n')`; `typeof` for non-Error throws),
// with secret values redacted (SPEC R33). Plain data, so it crosses a worker boundary.
import { types, inspect } from 'node:util';
import type { SerializedError } from '../definitions';
import { redact } from '../env/redactions';

// A load failure's cause (the syntax error, the throw at load) is what the user must fix, so
// causes are appended to the stack, a few levels deep.
const MAX_CAUSES = 3;

/** Serialises anything thrown into `{ type, message, stackTrace }`, redacted (SPEC R33, R60). */
export function serializeError(error: unknown, redactions: Array<[string, string]>): SerializedError {
  if (!isErrorLike(error)) {
    return { type: typeof error, message: redact(describeValue(error), redactions), stackTrace: [] };
  }
  const stackTrace: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && isErrorLike(current); depth++) {
    const lines = stackLines(current);
    if (depth > 0) lines[0] = `Caused by: ${lines[0]}`;
    stackTrace.push(...lines);
    current = (current as { cause?: unknown }).cause;
  }
  return {
    type: errorType(error),
    message: redact(String(error.message), redactions),
    stackTrace: stackTrace.map((line) => redact(line, redactions)),
  };
}

interface ErrorLike {
  name?: unknown;
  message: unknown;
  stack?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  // Errors from another realm (a worker, a vm context) fail `instanceof Error`.
  return types.isNativeError(value) || value instanceof Error ||
    (typeof value === 'object' && value !== null && 'message' in value && 'stack' in value);
}

/** `name`, unless it is the generic "Error" of a subclass that did not set its own name. */
function errorType(error: ErrorLike): string {
  const name = typeof error.name === 'string' && error.name !== '' ? error.name : 'Error';
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (name === 'Error' && typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Object') {
    return constructorName;
  }
  return name;
}

function stackLines(error: ErrorLike): string[] {
  if (typeof error.stack === 'string' && error.stack !== '') return error.stack.split('\n');
  return [`${errorType(error)}: ${String(error.message)}`];
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return inspect(value, { depth: 2, breakLength: Infinity });
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
