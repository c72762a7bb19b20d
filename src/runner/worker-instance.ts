// One function worker seen from the host (SPEC R44): starts the thread with the function's own
// env and memory limits, answers each call exactly once (a result, a fault, a timeout, memory,
// a crash), and ends the worker when it can no longer be trusted. A worker is unref'd whenever it
// has nothing to do, so a forgotten close() never keeps a process alive.
import { performance } from 'node:perf_hooks';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InstanceSpec, LoadResult, RunRequest, RunResult, RunnerEvent, SerializedError } from '../definitions';
import type { ErrorCode } from '../errors';
import { LogBuffer } from '../logs/log-buffer';
import type { WorkerMessage, WorkerStartData } from './worker-protocol';
import { WORKER_MARKER, reviveResult } from './worker-protocol';

/** A call waiting for, or handed to, a worker. */
export interface PendingCall {
  request: RunRequest;
  resolve(result: RunResult): void;
}

/** How a worker instance behaves; shared by every worker of a pool. */
export interface WorkerInstanceOptions {
  instanceKey: string;
  idleMs: number;
  onEvent(event: RunnerEvent): void;
  /** Told whenever the instance loads, frees a slot or ends: the pool dispatches again. */
  onChange(instance: WorkerInstance): void;
}

interface ActiveCall extends PendingCall {
  started: number;
  timer: NodeJS.Timeout;
  /** The console lines the worker sent, for answers the worker itself cannot give (SPEC R45). */
  log: LogBuffer;
}

// Lambda gives a function's init phase 10 s; a module that loads longer (or loops at load) fails.
const LOAD_TIMEOUT_MS = 10_000;
// setTimeout fires at once above 2^31 - 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
const MEMORY_CHECK_MS = 50;
const MB = 1024 * 1024;

// The bootstrap sits next to this file: .ts under tsx, .js in dist/.
const BOOTSTRAP = join(__dirname, 'worker-bootstrap' + extname(__filename));

/** One worker thread running one function instance. */
export class WorkerInstance {
  /** loading → ready → (retiring →) ended; `failed` loads end at once. */
  state: 'loading' | 'ready' | 'retiring' | 'ended' = 'loading';
  /** Larger is more recently used (SPEC R43). */
  lastUsed = 0;
  /** Resolves once the module loaded or failed to (SPEC R7). */
  readonly loaded: Promise<LoadResult>;
  private readonly worker: Worker;
  private readonly calls = new Map<number, ActiveCall>();
  private readonly exited: Promise<void>;
  private settleLoad!: (result: LoadResult) => void;
  private loadTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 0;
  private memoryUsedMb = 0;

  constructor(private readonly spec: InstanceSpec, private readonly options: WorkerInstanceOptions) {
    this.loaded = new Promise((resolve) => (this.settleLoad = resolve));
    const start: WorkerStartData & { marker: string } = {
      marker: WORKER_MARKER,
      definition: spec.definition,
      instanceKey: options.instanceKey,
      redactions: spec.redactions,
      memoryLimitBytes: spec.memoryLimitMb * MB,
      memoryCheckMs: MEMORY_CHECK_MS,
      preloaded: spec.preloaded ?? {},
    };
    this.worker = spawnWorker(start, spec);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.worker.on('error', (error: Error & { code?: string }) => {
      // V8's heap limit (resourceLimits) ends the worker with this code (SPEC R46).
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.memoryUsedMb = spec.memoryLimitMb;
        this.fail('HSF_OUT_OF_MEMORY', `went over its V8 heap limit of ${spec.memoryLimitMb} MB`);
      } else this.fail('HSF_FUNCTION_CRASHED', `ended with an uncaught error: ${error.name}: ${error.message}`);
    });
    this.worker.on('exit', (code) => this.fail('HSF_FUNCTION_CRASHED', `exited with code ${code} (process.exit() ends the function's worker)`));
    this.loadTimer = setTimeout(() => this.fail('HSF_FUNCTION_LOAD_FAILED', `did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s`), LOAD_TIMEOUT_MS);
    this.loadTimer.unref();
    // A new worker is ref'd: loading keeps the process alive, so `await prepare()` is never cut short.
  }

  /** Invocations handed to this worker and not answered yet. */
  get active(): number {
    return this.calls.size;
  }

  /** Runs one call on this worker; the pool only hands calls to a `ready` worker with a free slot. */
  run(call: PendingCall, useStamp: number): void {
    const id = ++this.nextId;
    const { timeoutMs } = call.request;
    // SPEC R45: the host's own timer answers at once even when the worker is stuck in a loop.
    const timer = setTimeout(() => this.timeOut(id), Math.min(Math.max(timeoutMs, 0), MAX_TIMER_MS));
    timer.unref();
    this.calls.set(id, { ...call, started: performance.now(), timer, log: new LogBuffer() });
    this.lastUsed = useStamp;
    clearTimeout(this.idleTimer);
    this.worker.ref();
    try {
      this.worker.postMessage({ type: 'run', id, request: call.request });
    } catch (error) {
      // Context data is plain by construction; a value the clone refuses is still an outcome.
      const message = `The request could not be sent to the function's worker: ${(error as Error).message}`;
      this.answer(id, this.resultOf(this.calls.get(id)!, { type: 'error', code: 'HSF_FUNCTION_CRASHED', error: failure('HSF_FUNCTION_CRASHED', message) }));
    }
  }

  /** Takes no more calls; ends once every call handed to it is answered. */
  retire(): void {
    if (this.state === 'ended') return;
    this.markRetiring();
    if (this.calls.size === 0) void this.terminate();
  }

  /** Ends the worker now; unanswered calls get `code`. Resolves when the thread is gone. */
  terminate(code: ErrorCode = 'HSF_CLOSED', message = 'was stopped because the runner closed'): Promise<void> {
    if (this.state !== 'ended') this.fail(code, message);
    return this.exited;
  }

  /** Takes no more calls (first, so answering a call cannot hand this worker a queued one). */
  private markRetiring(): void {
    if (this.state === 'loading') this.settleLoad({ ok: false, error: failure('HSF_CLOSED', 'The function was replaced while it was loading.') });
    if (this.state === 'loading' || this.state === 'ready') this.state = 'retiring';
    clearTimeout(this.idleTimer);
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'loaded':
        if (this.state !== 'loading') return;
        clearTimeout(this.loadTimer);
        this.state = 'ready';
        this.settleLoad({ ok: true });
        this.becameIdleMaybe();
        this.options.onChange(this);
        return;
      case 'load-failed':
        this.settleLoad({ ok: false, error: message.error });
        void this.terminate('HSF_FUNCTION_LOAD_FAILED', 'failed to load');
        return;
      case 'log':
        this.calls.get(message.id)?.log.push(message.level, message.message);
        return;
      case 'result': {
        const result = reviveResult(message.result);
        this.memoryUsedMb = result.memoryUsedMb;
        // SPEC R45: a timed-out invocation may leave timers and promises behind: a fresh worker.
        if (result.outcome.type === 'timeout') this.markRetiring();
        this.answer(message.id, result);
        return;
      }
      case 'fault': {
        const call = this.calls.get(message.id);
        if (call === undefined) return;
        // An uncaught error ends a Lambda runtime too: the next call gets a fresh instance.
        this.markRetiring();
        this.answer(message.id, this.resultOf(call, { type: 'error', code: 'HSF_FUNCTION_ERROR', error: message.error }));
        return;
      }
      case 'event':
        this.options.onEvent({ ...message.event, functionId: this.spec.definition.id });
        return;
      case 'over-memory':
        this.memoryUsedMb = Math.round(message.usedBytes / MB);
        void this.terminate('HSF_OUT_OF_MEMORY', `used ${this.memoryUsedMb} MB of heap and external memory, over its limit of ${this.spec.memoryLimitMb} MB`);
        return;
    }
  }

  /** SPEC R45: the caller gets the timeout now; the worker (maybe in a sync loop) is ended. */
  private timeOut(id: number): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    call.log.push('ERROR', `Task timed out after ${(call.request.timeoutMs / 1000).toFixed(2)} seconds`);
    this.markRetiring();
    this.answer(id, this.resultOf(call, { type: 'timeout' }));
  }

  /** Answers every unanswered call with `code` and ends the worker (idempotent). */
  private fail(code: ErrorCode, what: string): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.loadTimer);
    clearTimeout(this.idleTimer);
    const message = `The worker of function "${this.spec.definition.id}" ${what}.`;
    this.settleLoad({ ok: false, error: failure(code === 'HSF_CLOSED' ? 'HSF_CLOSED' : 'HSF_FUNCTION_LOAD_FAILED', message) });
    for (const [id, call] of [...this.calls]) {
      call.log.push('ERROR', message);
      const error = failure(code, message);
      this.answer(id, this.resultOf(call, { type: 'error', code, error }));
    }
    // Held until the thread is gone, so that awaiting close() or terminate() cannot be cut short.
    this.worker.ref();
    void this.worker.terminate();
    this.options.onChange(this);
  }

  private answer(id: number, result: RunResult): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.calls.delete(id);
    clearTimeout(call.timer);
    call.resolve(result);
    if (this.state === 'retiring' && this.calls.size === 0) {
      void this.terminate();
      return;
    }
    this.becameIdleMaybe();
    if (this.state !== 'ended') this.options.onChange(this);
  }

  /** With nothing to do, the worker no longer holds the process open, and retires after idleMs. */
  private becameIdleMaybe(): void {
    if (this.calls.size > 0 || this.state !== 'ready') return;
    this.worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.retire(), this.options.idleMs);
    this.idleTimer.unref();
  }

  private resultOf(call: ActiveCall, outcome: RunResult['outcome']): RunResult {
    return { outcome, log: call.log.text(), executionTime: performance.now() - call.started, memoryUsedMb: this.memoryUsedMb };
  }
}

/** A SerializedError made here, on the host side. */
export function failure(code: ErrorCode, message: string): SerializedError {
  return { type: code, message, stackTrace: [] };
}

/**
 * Starts the thread: the function's whole env and nothing else of the host (SPEC R30, R31), a V8
 * heap limit (SPEC R44). stdout and stderr are not piped to the host's: the bootstrap reports
 * output through messages (reading the streams here would keep an idle worker's process alive).
 */
function spawnWorker(workerData: WorkerStartData & { marker: string }, spec: InstanceSpec): Worker {
  const options = {
    workerData,
    env: spec.env,
    stdout: true,
    stderr: true,
    resourceLimits: {
      maxOldGenerationSizeMb: spec.memoryLimitMb,
      maxYoungGenerationSizeMb: Math.max(1, Math.ceil(spec.memoryLimitMb / 8)),
    },
  };
  if (extname(BOOTSTRAP) !== '.ts') return new Worker(BOOTSTRAP, options);
  // From TypeScript source (tests run under `node --import tsx`): tsx registers its hooks in the
  // main thread only, so the worker registers tsx's require hook itself before the bootstrap.
  const tsx = require.resolve('tsx/cjs/api');
  const code = `require(${JSON.stringify(tsx)}).register();require(${JSON.stringify(BOOTSTRAP)});`;
  return new Worker(code, { ...options, eval: true });
}
