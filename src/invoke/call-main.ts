// Calling a function's `main` and deciding what its answer is (SPEC R41, R45, R47).
import type { ServerlessFunction } from '../types';

/** How one call of `main` ended. */
export type CallOutcome = { kind: 'value'; value: unknown } | { kind: 'threw'; error: unknown } | { kind: 'timeout' };

/** How callMain behaves for one call. */
export interface CallMainOptions {
  /** Whether `main` declares `sendResponse` (detectCallbackStyle, SPEC R41). */
  callbackStyle: boolean;
  /** After this long the call is answered as a timeout (SPEC R45). */
  timeoutMs: number;
  /** Told about what happens after the answer: a second sendResponse (WARN), a late throw (ERROR). */
  onLate(level: 'WARN' | 'ERROR', message: string): void;
}

// setTimeout fires at once for delays over 2^31 - 1 ms; longer means "no timeout" in practice.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `main(context, sendResponse)`; the first of (sendResponse called) or (the returned value
 * or promise resolving to something other than undefined) is the answer (SPEC R41). A
 * callback-style function that returns undefined is waited for until it calls back or times
 * out; any other function returning undefined answers `value: undefined` (the caller sends 204).
 */
export function callMain(
  main: ServerlessFunction,
  context: unknown,
  options: CallMainOptions,
): Promise<CallOutcome> {
  return new Promise<CallOutcome>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const settle = (outcome: CallOutcome): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve(outcome);
      return true;
    };

    const answerWith = (value: unknown): void => {
      if (value !== undefined) settle({ kind: 'value', value });
      else if (!options.callbackStyle) settle({ kind: 'value', value: undefined });
      // Callback style and undefined: keep waiting for sendResponse or the timeout (SPEC R41).
    };

    const fail = (error: unknown): void => {
      if (!settle({ kind: 'threw', error })) {
        options.onLate('ERROR', `The function threw after its response was sent: ${describe(error)}`);
      }
    };

    const sendResponse = (response: unknown): void => {
      // SPEC R47: the first answer wins; a second sendResponse is only logged.
      if (!settle({ kind: 'value', value: response })) {
        options.onLate('WARN', 'sendResponse was called after the response was sent (or the call timed out); the first response was kept (SPEC R47).');
      }
    };

    if (Number.isFinite(options.timeoutMs)) {
      timer = setTimeout(() => settle({ kind: 'timeout' }), Math.min(Math.max(options.timeoutMs, 0), MAX_TIMER_MS));
      // The timer must not keep the process (or a worker) alive on its own.
      timer.unref();
    }

    let returned: unknown;
    try {
      returned = main(context as Parameters<ServerlessFunction>[0], sendResponse);
    } catch (error) {
      fail(error);
      return;
    }
    if (isThenable(returned)) {
      Promise.resolve(returned).then(answerWith, fail);
    } else {
      answerWith(returned);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

/** A one-line description of a thrown value for a late-event message. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
