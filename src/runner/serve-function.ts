// What runs inside a function instance, a worker thread or a child process (SPEC R44): load the
// module once (its env is the instance's own process.env, set before the load, SPEC R30), then
// run invocations through the same executeFunction as the inline runner. Outbound calls are
// intercepted before the module loads (issue #13), and each call's start and end is mirrored to
// the host, so a timed-out or killed invocation's record still lists them. The instance's own
// uncaughtException and unhandledRejection handlers charge faults to the invocation they came
// from (found through the invocation scope); the host process gets no handlers from us.
import { format } from 'node:util';
import type { FunctionDefinition, RunRequest, RunResult } from '../definitions';
import { redact } from '../env/redactions';
import { detectCallbackStyle } from '../invoke/detect-callback-style';
import { executeFunction } from '../invoke/execute-function';
import { currentScope, runInScope, type InstanceCall } from '../invoke/invocation-scope';
import type { ExecuteHooks, LoadedFunction } from '../invoke/execute-function';
import { loadFunctionModule } from '../invoke/load-function-module';
import { serializeError } from '../invoke/serialize-error';
import { retainConsoleCapture } from '../logs/console-capture';
import { interceptOutbound } from '../outbound/intercept-outbound';
import type { ResolvedOutbound } from '../outbound/outbound-policy';
import { retainPreloadedResolution } from '../preloaded/resolve-preloaded';
import { guardBufferAllocations, startMemoryGuard } from './memory-guard';
import type { HostMessage, WorkerMessage } from './worker-protocol';

/** How the instance talks to the host: a MessagePort, or the pipe of a child process. */
export interface InstanceChannel {
  /** Sends one message; may throw for a value the channel cannot carry. */
  post(message: WorkerMessage): void;
  onMessage(listener: (message: HostMessage) => void): void;
}

/** What the instance serves. */
export interface ServeStart {
  definition: FunctionDefinition;
  /** A key of its own for this module instance (SPEC R9): ES modules are cached per URL. */
  instanceKey: string;
  redactions: Array<[name: string, value: string]>;
  /** SPEC R44: heap + external memory above this ends the instance; null when the host watches RSS instead. */
  memoryLimitBytes: number | null;
  /** How often the in-instance guard checks memory while a call runs. */
  memoryCheckMs: number;
  /** The installed preloaded packages the function may fall back to (SPEC R42). */
  preloaded: Record<string, string>;
  /** Where the function's outbound calls go (issue #13). */
  outbound: ResolvedOutbound | null;
}

/** One invocation running here; `answered` once the host has its result or fault. */

const MB = 1024 * 1024;
// Between invocations only timers set at load can allocate: a slow check is enough.
const IDLE_MEMORY_CHECK_MS = 1000;

/** Serves one function in this instance: loads it, then answers `run` messages. */
export function serveFunction(channel: InstanceChannel, start: ServeStart): void {
  const { definition, redactions } = start;
  const post = (message: WorkerMessage): void => channel.post(message);

  redirectOutput(redactions, post);
  retainConsoleCapture();
  mirrorConsole(redactions, post);
  // Issue #13: before the module loads, so that what it captures at load is already patched.
  interceptOutbound(start.outbound);
  const hooks: ExecuteHooks = {
    onEvent: (event) => post({ type: 'event', event: { requestId: event.requestId, level: event.level, message: event.message } }),
    onOutbound: (change) => {
      const invocation = currentScope()?.call ?? undefined;
      if (invocation !== undefined && !invocation.answered) post({ type: 'outbound', id: invocation.id, change });
    },
  };

  // SPEC R44: a fault is charged to the invocation whose async context it came from.
  const charge = (kind: string, error: unknown): void => {
    const invocation = currentScope()?.call ?? undefined;
    if (invocation !== undefined && !invocation.answered) {
      invocation.answered = true;
      post({ type: 'fault', id: invocation.id, error: serializeError(error, redactions) });
      return;
    }
    const { type, message } = serializeError(error, redactions);
    const when = invocation === undefined ? 'outside any invocation' : 'after the response was sent';
    post({ type: 'event', event: { requestId: invocation?.requestId ?? '', level: 'ERROR', message: `${kind} ${when}: ${type}: ${message}` } });
  };
  process.on('uncaughtException', (error) => charge('Uncaught exception', error));
  process.on('unhandledRejection', (reason) => charge('Unhandled rejection', reason));

  const limitBytes = start.memoryLimitBytes;
  const guard = limitBytes === null ? null : startMemoryGuard({
    limitBytes,
    intervalMs: start.memoryCheckMs,
    idleIntervalMs: IDLE_MEMORY_CHECK_MS,
    onOverLimit: (usedBytes, refusedBytes) => post({ type: 'over-memory', usedBytes, refusedBytes }),
  });
  if (guard !== null) guardBufferAllocations(guard);
  const overLimit = (): boolean => guard?.check() === true;

  let loaded: LoadedFunction | null = null;
  let running = 0;
  // SPEC R42: the function's modules fall back to the preloaded set for the instance's whole life.
  retainPreloadedResolution(definition, start.preloaded);
  const loading = loadFunctionModule(definition.file, start.instanceKey, start.preloaded).then(
    (main) => {
      loaded = { definition, main, callbackStyle: detectCallbackStyle(main), redactions, outbound: start.outbound };
      if (!overLimit()) post({ type: 'loaded' });
    },
    (error: unknown) => post({ type: 'load-failed', error: serializeError(error, redactions) }),
  );

  const runOne = async (id: number, request: RunRequest): Promise<void> => {
    // After the load, no extra turn per call.
    if (loaded === null) await loading;
    if (loaded === null) return;
    const fn = loaded;
    const invocation: InstanceCall = { id, requestId: request.requestId, answered: false };
    guard?.setBusy(++running > 0);
    const result = await runInScope({ env: null, log: null, outbound: null, call: invocation }, () => executeFunction(fn, request, hooks));
    guard?.setBusy(--running > 0);
    // A fault (or the memory guard) may have answered it already.
    if (invocation.answered) return;
    invocation.answered = true;
    if (overLimit()) return;
    // The guard's own figure where it guards (just measured); a child process's host puts its RSS figure in.
    if (guard !== null) result.memoryUsedMb = Math.round(guard.lastUsedBytes / MB);
    sendResult(id, result, post, redactions);
  };

  channel.onMessage((message) => {
    if (message.type === 'run') void runOne(message.id, message.request);
  });
}

/** Posts a result; a value the channel cannot carry (an app function's odd result) is an error outcome. */
function sendResult(id: number, result: RunResult, post: (m: WorkerMessage) => void, redactions: Array<[string, string]>): void {
  try {
    post({ type: 'result', id, result });
  } catch (error) {
    const failed: RunResult = { ...result, outcome: { type: 'error', code: 'HSF_RESPONSE_INVALID', error: serializeError(error, redactions) } };
    post({ type: 'result', id, result: failed });
  }
}

/**
 * Output written outside a capture (at module load, by a timer set at load, straight to
 * process.stdout) is reported to the host as an event, redacted, never printed on the host's
 * streams: the instance's stdout and stderr are not the host's (SPEC R33, R61).
 */
function redirectOutput(redactions: Array<[string, string]>, post: (m: WorkerMessage) => void): void {
  for (const [stream, level] of [[process.stdout, 'WARN'], [process.stderr, 'ERROR']] as const) {
    const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      const done = typeof encoding === 'function' ? encoding : callback;
      const requestId = currentScope()?.call?.requestId ?? '';
      const where = requestId === '' ? 'output outside an invocation' : 'output written straight to the process streams';
      post({ type: 'event', event: { requestId, level, message: redact(`${where}: ${text.trimEnd()}`, redactions) } });
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    };
    stream.write = write;
  }
}

const LEVELS = { log: 'INFO', info: 'INFO', debug: 'INFO', trace: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

/**
 * Sends each console line of an unanswered invocation to the host as it is written, redacted
 * (SPEC R33): if the instance is then ended (a timeout, memory) or exits, the record still holds
 * what the function printed (SPEC R45, R60). executeFunction keeps the authoritative log.
 */
function mirrorConsole(redactions: Array<[string, string]>, post: (m: WorkerMessage) => void): void {
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const [name, level] of Object.entries(LEVELS)) {
    const inner = target[name];
    target[name] = function (this: unknown, ...args: unknown[]): void {
      const invocation = currentScope()?.call ?? undefined;
      if (invocation !== undefined && !invocation.answered) {
        const text = name === 'trace' ? `Trace: ${format(...args)}` : format(...args);
        post({ type: 'log', id: invocation.id, level, message: redact(text, redactions) });
      }
      inner.apply(this, args);
    };
  }
}
