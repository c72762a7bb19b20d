// The one execution path of every runner, run where the function lives (in process, in a worker
// thread or a child process): capture the console and the outbound calls (issue #13), revive the
// context, call main, map the answer (SPEC R41–R47, R50–R52, R60, R61).
import { performance } from 'node:perf_hooks';
import type { FunctionDefinition, MappedResponse, RunOutcome, RunRequest, RunResult, RunnerEvent } from '../definitions';
import { isFunctionsError } from '../errors';
import { redact } from '../env/redactions';
import { runWithCapture } from '../logs/console-capture';
import { LogBuffer } from '../logs/log-buffer';
import type { LogLevel } from '../logs/log-buffer';
import type { OutboundSink } from '../outbound/outbound-context';
import type { ResolvedOutbound } from '../outbound/outbound-policy';
import { OutboundRecorder, addOutbound } from '../outbound/outbound-recorder';
import type { OutboundChange, OutboundList } from '../outbound/outbound-recorder';
import { recordedUrl } from '../outbound/scrub-url';
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
  /** Where its outbound calls go (issue #13). @default null: where they were sent */
  outbound?: ResolvedOutbound | null;
}

/** What executeFunction tells its runner besides the result. */
export interface ExecuteHooks {
  onEvent: (event: RunnerEvent) => void;
  /** Each outbound call's start and end as it happens (a pooled instance mirrors them to the host, issue #13). */
  onOutbound?: (change: OutboundChange) => void;
  /** Once the result is made, before it is answered (the inline runner's count of calls under way: no extra promise). */
  onSettled?: () => void;
}

/** The answer of an endpoint that resolved undefined without declaring sendResponse (SPEC R41). */
function noContent(): MappedResponse {
  return { statusCode: 204, headers: [], body: Buffer.alloc(0) };
}

/**
 * One invocation's log: redacts every line before it is kept (so truncation can never leave
 * part of a secret behind, SPEC R33), and once the invocation has answered sends further
 * console output to `late` instead (it belongs to no result any more). It is also the
 * invocation's outbound sink (issue #13): the same object in the same scope, and the list of
 * calls is only made when a first call starts.
 */
class InvocationLog extends LogBuffer implements OutboundSink {
  private closed = false;
  private calls: OutboundRecorder | null = null;

  constructor(
    private readonly redactions: Array<[string, string]>,
    private readonly late: (level: 'WARN' | 'ERROR', message: string) => void,
    readonly outboundPolicy: ResolvedOutbound | null,
    private readonly onOutbound: ExecuteHooks['onOutbound'],
  ) {
    super();
  }

  override push(level: LogLevel, message: string): void {
    if (this.closed) this.late(level === 'ERROR' ? 'ERROR' : 'WARN', `console output after the response was sent: ${message}`);
    else super.push(level, redact(message, this.redactions));
  }

  startOutbound(method: string, url: string, rewrittenTo: string | undefined): number {
    if (this.closed) return -1;
    const shown = recordedUrl(url, this.redactions);
    this.onOutbound?.(rewrittenTo === undefined ? { type: 'start', method, url: shown } : { type: 'start', method, url: shown, rewrittenTo });
    return (this.calls ??= new OutboundRecorder()).start(method, shown, rewrittenTo);
  }

  endOutbound(index: number, status: number | null, error: string | undefined): void {
    if (this.closed || index < 0) return;
    const reason = error === undefined ? undefined : redact(error, this.redactions);
    this.onOutbound?.(reason === undefined ? { type: 'end', index, status } : { type: 'end', index, status, error: reason });
    this.calls?.end(index, status, reason);
  }

  /** Ends the invocation's recording; answers its outbound calls, if it made any. */
  close(): OutboundList | null {
    this.closed = true;
    return this.calls?.close() ?? null;
  }
}

/**
 * Runs one invocation of a loaded function and answers its RunResult; never rejects (every
 * failure is an outcome). Late events (a second sendResponse, output after the answer) go to
 * `hooks.onEvent`, redacted. The runner holds retainConsoleCapture() (and, in process, runs
 * this inside runWithEnv) for console lines to be captured. No async function here: this is
 * the hot path of every invocation, and each await would be one more promise (issue #12).
 */
export function executeFunction(fn: LoadedFunction, request: RunRequest, hooks: ExecuteHooks): Promise<RunResult> {
  const late = (level: 'WARN' | 'ERROR', message: string): void => {
    hooks.onEvent({ requestId: request.requestId, functionId: request.functionId, level, message: redact(message, fn.redactions) });
  };
  const log = new InvocationLog(fn.redactions, late, fn.outbound ?? null, hooks.onOutbound);
  const started = performance.now();
  let called: Promise<CallOutcome>;
  try {
    called = runWithCapture(log, () =>
      callMain(fn.main, reviveContext(request.data), {
        callbackStyle: fn.callbackStyle,
        timeoutMs: request.timeoutMs,
        onLate: late,
      }),
      log,
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
    const outbound = log.close();
    const result: RunResult = {
      outcome: toOutcome(outcome, request, fn.redactions),
      log: log.text(),
      executionTime,
      memoryUsedMb: sampleHeapUsedMb(),
    };
    if (outbound !== null) addOutbound(result, outbound);
    hooks.onSettled?.();
    return result;
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
