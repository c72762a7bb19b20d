// One function instance seen from the host (SPEC R44), whatever holds it: a worker thread or a
// child process. It answers each call exactly once (a result, a fault, a timeout, memory, a
// crash), keeps the console lines the instance streamed so that a killed instance's record still
// holds them, and ends the instance when it can no longer be trusted. Subclasses only say how
// to send a message, how to end the instance and how to (un)hold the host's event loop.
import { performance } from 'node:perf_hooks';
import type { InstanceSpec, LoadResult, RunRequest, RunResult, RunnerEvent, SerializedError } from '../definitions';
import type { ErrorCode } from '../errors';
import { LogBuffer } from '../logs/log-buffer';
import { OutboundRecorder, addOutbound } from '../outbound/outbound-recorder';
import type { HostMessage, WorkerMessage } from './worker-protocol';
import { checkWorkerMessage } from './worker-protocol';

/** A call waiting for, or handed to, an instance. */
export interface PendingCall {
  request: RunRequest;
  resolve: (result: RunResult) => void;
}

/** How an instance behaves; shared by every instance of a pool. */
export interface InstanceOptions {
  instanceKey: string;
  idleMs: number;
  onEvent: (event: RunnerEvent) => void;
  /** Told whenever the instance loads, frees a slot or ends: the pool dispatches again. */
  onChange(instance: FunctionInstance): void;
}

interface ActiveCall extends PendingCall {
  started: number;
  timer: NodeJS.Timeout;
  /**
   * The console lines the instance sent, for answers the instance itself cannot give (SPEC R45);
   * made on the first line (most calls print nothing: no buffer per call, issue #12).
   */
  log: LogBuffer | null;
  /** The outbound calls it reported, likewise (issue #13); made on the first one. */
  outbound: OutboundRecorder | null;
}

// Lambda gives a function's init phase 10 s; a module that loads longer (or loops at load) fails.
const LOAD_TIMEOUT_MS = 10_000;
// setTimeout fires at once above 2^31 - 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
const MB = 1024 * 1024;

/** The host side of one function instance; a subclass holds the thread or the process. */
export abstract class FunctionInstance {
  /** loading → ready → (retiring →) ended; `failed` loads end at once. */
  state: 'loading' | 'ready' | 'retiring' | 'ended' = 'loading';
  /** Larger is more recently used (SPEC R43). */
  lastUsed = 0;
  /** Resolves once the module loaded or failed to (SPEC R7). */
  readonly loaded: Promise<LoadResult>;
  /** Resolves when the thread or process is gone; set by the subclass once it started it. */
  protected exited: Promise<void> = Promise.resolve();
  /** Memory in use after the last call, in MB (for the record's `memory`). */
  protected memoryUsedMb = 0;
  private readonly calls = new Map<number, ActiveCall>();
  private settleLoad!: (result: LoadResult) => void;
  private loadTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 0;

  /** @param noun what the messages call the instance: "worker" or "process". */
  constructor(protected readonly spec: InstanceSpec, protected readonly options: InstanceOptions, private readonly noun: string) {
    this.loaded = new Promise((resolve) => (this.settleLoad = resolve));
    this.loadTimer = setTimeout(() => this.fail('HSF_FUNCTION_LOAD_FAILED', `did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s`), LOAD_TIMEOUT_MS);
    this.loadTimer.unref();
    // A new instance is held: loading keeps the process alive, so `await prepare()` is never cut short.
  }

  /** Sends one message to the instance; may throw (a value the channel cannot carry). */
  protected abstract send(message: HostMessage): void;
  /** Ends the thread or process now (it may be stuck in a synchronous loop). */
  protected abstract stop(): void;
  /** Whether the instance keeps the host's event loop alive: only while it has work. */
  protected abstract hold(held: boolean): void;
  /** What hold() was last told: ref and unref only on a change (two calls per request otherwise). */
  private held = true;

  private holdIf(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    this.hold(held);
  }

  /** Invocations handed to this instance and not answered yet. */
  get active(): number {
    return this.calls.size;
  }

  /** Runs one call here; the pool only hands calls to a `ready` instance with a free slot. */
  run(call: PendingCall, useStamp: number): void {
    const id = ++this.nextId;
    const { timeoutMs } = call.request;
    // SPEC R45: the host's own timer answers at once even when the instance is stuck in a loop.
    const timer = setTimeout(() => this.timeOut(id), Math.min(Math.max(timeoutMs, 0), MAX_TIMER_MS));
    timer.unref();
    this.calls.set(id, { request: call.request, resolve: call.resolve, started: performance.now(), timer, log: null, outbound: null });
    this.lastUsed = useStamp;
    this.holdIf(true);
    this.callStarted();
    try {
      this.send({ type: 'run', id, request: call.request });
    } catch (error) {
      // Context data is plain by construction; a value the channel refuses is still an outcome.
      const message = `The request could not be sent to the function's ${this.noun}: ${(error as Error).message}`;
      this.answer(id, this.resultOf(this.calls.get(id)!, { type: 'error', code: 'HSF_FUNCTION_CRASHED', error: failure('HSF_FUNCTION_CRASHED', message) }));
    }
  }

  /** Takes no more calls; ends once every call handed to it is answered. */
  retire(): void {
    if (this.state === 'ended') return;
    this.markRetiring();
    if (this.calls.size === 0) void this.terminate();
  }

  /** Ends the instance now; unanswered calls get `code`. Resolves when the thread or process is gone. */
  terminate(code: ErrorCode = 'HSF_CLOSED', message = 'was stopped because the runner closed'): Promise<void> {
    if (this.state !== 'ended') this.fail(code, message);
    return this.exited;
  }

  /** Hook: a call was handed over (the process runner watches memory more often then). */
  protected callStarted(): void {}

  /** Takes no more calls (first, so answering a call cannot hand this instance a queued one). */
  protected markRetiring(): void {
    if (this.state === 'loading') this.settleLoad({ ok: false, error: failure('HSF_CLOSED', 'The function was replaced while it was loading.') });
    if (this.state === 'loading' || this.state === 'ready') this.state = 'retiring';
    clearTimeout(this.idleTimer);
  }

  /**
   * Takes one message from the instance. Its shape is checked first, and a message the host
   * cannot read (function code can write to the channel itself) ends the instance: never the host.
   */
  protected deliver(message: unknown): void {
    if (this.state === 'ended') return;
    try {
      const problem = checkWorkerMessage(message);
      if (problem !== null) throw new TypeError(problem);
      this.receive(message as WorkerMessage);
    } catch (error) {
      this.fail('HSF_FUNCTION_CRASHED', `sent the host a message it could not read (${(error as Error).message})`);
    }
  }

  /** Handles one checked message of the instance (worker-protocol.ts). */
  protected receive(message: WorkerMessage): void {
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
      case 'log': {
        const call = this.calls.get(message.id);
        if (call !== undefined) (call.log ??= new LogBuffer()).push(message.level, message.message);
        return;
      }
      case 'outbound': {
        const call = this.calls.get(message.id);
        if (call !== undefined) (call.outbound ??= new OutboundRecorder()).apply(message.change);
        return;
      }
      case 'result': {
        const result = message.result;
        this.memoryUsedMb = result.memoryUsedMb;
        // SPEC R45: a timed-out invocation may leave timers and promises behind: a fresh instance.
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
      case 'over-memory': {
        this.memoryUsedMb = Math.round(message.usedBytes / MB);
        const limit = `its limit of ${this.spec.memoryLimitMb} MB`;
        const what = message.refusedBytes === undefined
          ? `used ${this.memoryUsedMb} MB of heap and external memory, over ${limit}`
          : `asked for a ${Math.round(message.refusedBytes / MB)} MB Buffer with ${this.memoryUsedMb} MB of heap and external memory in use, over ${limit}; it was refused`;
        void this.terminate('HSF_OUT_OF_MEMORY', what);
        return;
      }
    }
  }

  /** SPEC R45: the caller gets the timeout now; the instance (maybe in a sync loop) is ended. */
  private timeOut(id: number): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    (call.log ??= new LogBuffer()).push('ERROR', `Task timed out after ${(call.request.timeoutMs / 1000).toFixed(2)} seconds`);
    this.markRetiring();
    this.answer(id, this.resultOf(call, { type: 'timeout' }));
  }

  /** Answers every unanswered call with `code` and ends the instance (idempotent). */
  protected fail(code: ErrorCode, what: string): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.loadTimer);
    clearTimeout(this.idleTimer);
    const message = `The ${this.noun} of function "${this.spec.definition.id}" ${what}.`;
    this.settleLoad({ ok: false, error: failure(code === 'HSF_CLOSED' ? 'HSF_CLOSED' : 'HSF_FUNCTION_LOAD_FAILED', message) });
    for (const [id, call] of [...this.calls]) {
      (call.log ??= new LogBuffer()).push('ERROR', message);
      const error = failure(code, message);
      this.answer(id, this.resultOf(call, { type: 'error', code, error }));
    }
    // Held until the instance is gone, so that awaiting close() or terminate() cannot be cut short.
    this.holdIf(true);
    this.stop();
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
    // The pool first: under load it hands this instance its next queued call at once, and the
    // instance never goes through idle (unref, idle timer) between two calls.
    if (this.state !== 'ended') this.options.onChange(this);
    this.becameIdleMaybe();
  }

  /** With nothing to do, the instance no longer holds the process open, and retires after idleMs. */
  private becameIdleMaybe(): void {
    if (this.calls.size > 0 || this.state !== 'ready') return;
    this.holdIf(false);
    // One timer for the instance's life, restarted each time it goes idle (no timer per call); when
    // it fires during a call it does nothing, and the call's end restarts it.
    if (this.idleTimer === undefined) {
      this.idleTimer = setTimeout(() => {
        if (this.calls.size === 0 && this.state === 'ready') this.retire();
      }, this.options.idleMs);
      this.idleTimer.unref();
    } else {
      this.idleTimer.refresh();
    }
  }

  private resultOf(call: ActiveCall, outcome: RunResult['outcome']): RunResult {
    const result: RunResult = { outcome, log: call.log?.text() ?? '', executionTime: performance.now() - call.started, memoryUsedMb: this.memoryUsedMb };
    if (call.outbound !== null) addOutbound(result, call.outbound.close());
    return result;
  }
}

/** A SerializedError made here, on the host side. */
export function failure(code: ErrorCode, message: string): SerializedError {
  return { type: code, message, stackTrace: [] };
}
