// The one execution path of both runners, run where the function lives (in process or inside a
// worker): capture the console, revive the context, call main, map the answer (SPEC R41–R47,
// R50–R52, R60, R61).
import { performance } from 'node:perf_hooks';
import type { FunctionDefinition, MappedResponse, RunOutcome, RunRequest, RunResult, RunnerEvent } from '../definitions';
import { isFunctionsError } from '../errors';
import { redact } from '../env/redactions';
import { runWithCapture } from '../logs/console-capture';
import { LogBuffer } from '../logs/log-buffer';
import type { LogLevel } from '../logs/log-buffer';
import { reviveContext } from '../request/revive-context';
import { mapAppFunctionResult } from '../response/map-app-function-result';
import { mapResponse } from '../response/map-response';
import type { ServerlessFunction } from '../types';
import { callMain } from './call-main';
import type { CallOutcome } from './call-main';
import { sampleHeapUsedMb } from './sample-heap';
import { serializeError } from './serialize-error';

/** A function's loaded instance: what executeFunction needs to run it. */
export interface LoadedFunction {
  definition: FunctionDefinition;
  main: ServerlessFunction;
  /** detectCallbackStyle(main) (SPEC R41). */
  callbackStyle: boolean;
  /** Secret values to redact from logs and errors (SPEC R33). */
  redactions: Array<[string, string]>;
}

/** The answer of an endpoint that resolved undefined without declaring sendResponse (SPEC R41). */
function noContent(): MappedResponse {
  return { statusCode: 204, headers: [], body: Buffer.alloc(0) };
}

/**
 * One invocation's log: redacts every line before it is kept (so truncation can never leave
 * part of a secret behind, SPEC R33), and once the invocation has answered sends further
 * console output to `late` instead (it belongs to no result any more).
 */
class InvocationLog extends LogBuffer {
  private closed = false;

  constructor(
    private readonly redactions: Array<[string, string]>,
    private readonly late: (level: 'WARN' | 'ERROR', message: string) => void,
  ) {
    super();
  }

  override push(level: LogLevel, message: string): void {
    if (this.closed) this.late(level === 'ERROR' ? 'ERROR' : 'WARN', `console output after the response was sent: ${message}`);
    else super.push(level, redact(message, this.redactions));
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Runs one invocation of a loaded function and answers its RunResult; never rejects (every
 * failure is an outcome). Late events (a second sendResponse, output after the answer) go to
 * `hooks.onEvent`, redacted. The runner holds retainConsoleCapture() (and, in process, runs
 * this inside runWithEnv) for console lines to be captured. No async function here: this is
 * the hot path of every invocation, and each await would be one more promise (issue #12).
 */
export function executeFunction(
  fn: LoadedFunction,
  request: RunRequest,
  hooks: { onEvent(event: RunnerEvent): void },
): Promise<RunResult> {
  const late = (level: 'WARN' | 'ERROR', message: string): void => {
    hooks.onEvent({ requestId: request.requestId, functionId: request.functionId, level, message: redact(message, fn.redactions) });
  };
  const log = new InvocationLog(fn.redactions, late);
  const started = performance.now();
  let called: Promise<CallOutcome>;
  try {
    called = runWithCapture(log, () =>
      callMain(fn.main, reviveContext(request.data), {
        callbackStyle: fn.callbackStyle,
        timeoutMs: request.timeoutMs,
        onLate: late,
      }),
    );
  } catch (error) {
    // reviveContext failing is ours, not the function's; still an outcome, never a rejection.
    called = Promise.resolve({ kind: 'threw', error });
  }
  return called.then((outcome) => {
    const executionTime = performance.now() - started;
    if (outcome.kind === 'timeout') {
      // SPEC R45: the record says how long the configured timeout was, to two decimals.
      log.push('ERROR', `Task timed out after ${(request.timeoutMs / 1000).toFixed(2)} seconds`);
    }
    log.close();
    return {
      outcome: toOutcome(outcome, request, fn.redactions),
      log: log.text(),
      executionTime,
      memoryUsedMb: sampleHeapUsedMb(),
    };
  });
}

function toOutcome(called: CallOutcome, request: RunRequest, redactions: Array<[string, string]>): RunOutcome {
  if (called.kind === 'timeout') return { type: 'timeout' };
  if (called.kind === 'threw') {
    return { type: 'error', code: 'HSF_FUNCTION_ERROR', error: serializeError(called.error, redactions) };
  }
  try {
    if (request.data.kind === 'appFunction') {
      const { response, value } = mapAppFunctionResult(called.value);
      return { type: 'response', response, value };
    }
    if (called.value === undefined) return { type: 'response', response: noContent() };
    return { type: 'response', response: mapResponse(called.value) };
  } catch (error) {
    // SPEC R52: an unsendable response is a 500 with a clear log line, not a crash.
    const code = isFunctionsError(error) ? error.code : 'HSF_RESPONSE_INVALID';
    return { type: 'error', code, error: serializeError(error, redactions) };
  }
}
