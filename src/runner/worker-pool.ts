// The workers of one function (SPEC R9: one definition id, one spec generation): warm reuse,
// most recently used first (SPEC R43); new workers only under concurrency, up to
// maxWorkersPerFunction; then a bounded FIFO queue; beyond it HSF_OVERLOADED at once (the host
// answers 503 with Retry-After). A "worker" is any FunctionInstance: a worker thread or a child
// process (SPEC R44), so both isolation modes share this one pool.
import type { InstanceSpec, LoadResult, RunRequest, RunResult, RunnerEvent, SerializedError } from '../definitions';
import type { ErrorCode } from '../errors';
import { serializeError } from '../invoke/serialize-error';
import { failure } from './function-instance';
import type { FunctionInstance, InstanceOptions, PendingCall } from './function-instance';

/** The pool sizes and hooks (from ResolvedOptions, SPEC R44). */
export interface WorkerPoolOptions {
  concurrencyPerWorker: number;
  maxWorkersPerFunction: number;
  maxQueuePerFunction: number;
  workerIdleMs: number;
  onEvent: (event: RunnerEvent) => void;
}

// One counter for every pool: a stamp orders workers by last use (SPEC R43).
let useStamps = 0;
let instanceKeys = 0;

/** Starts one instance of a spec: a worker thread or a child process. May throw. */
export type StartInstance = (spec: InstanceSpec, options: InstanceOptions) => FunctionInstance;

/** The workers and the queue of one function's spec. */
export class WorkerPool {
  private readonly workers = new Set<FunctionInstance>();
  private readonly queue: PendingCall[] = [];
  private loadError: SerializedError | null = null;
  /** After a grown worker fails to load, no more are started until one loads. */
  private growthBlocked = false;
  private retired = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly spec: InstanceSpec,
    private readonly options: WorkerPoolOptions,
    private readonly startInstance: StartInstance,
  ) {}

  /** Starts the first worker and loads the module (SPEC R7, R30); a failure answers every later call. */
  async start(): Promise<LoadResult> {
    const result = await this.spawn();
    if (!result.ok) this.loadError = result.error;
    return result;
  }

  /** Runs one call: on a free warm worker, a new one, or after the queue; never rejects. */
  run(request: RunRequest): Promise<RunResult> {
    if (this.loadError !== null) return Promise.resolve(refused('HSF_FUNCTION_LOAD_FAILED', this.loadError));
    return new Promise((resolve) => {
      const call: PendingCall = { request, resolve };
      if (this.queue.length === 0) {
        const worker = this.pickWorker();
        if (worker !== null) {
          worker.run(call, ++useStamps);
          return;
        }
      }
      if (this.queue.length >= this.startingCapacity() + this.options.maxQueuePerFunction) {
        const message = `Every worker of function "${this.spec.definition.id}" is busy and its queue of ${this.options.maxQueuePerFunction} is full.`;
        resolve(refused('HSF_OVERLOADED', failure('HSF_OVERLOADED', message)));
        return;
      }
      this.queue.push(call);
      this.dispatch();
    });
  }

  /** Hands the queue to a successor and lets every worker finish its calls, then end (a new spec). */
  retire(): PendingCall[] {
    this.retired = true;
    for (const worker of this.workers) worker.retire();
    return this.queue.splice(0);
  }

  /** Queued calls from a predecessor pool: they had not started, so they run on this spec. */
  adopt(calls: PendingCall[]): void {
    for (const call of calls) {
      if (this.loadError !== null) call.resolve(refused('HSF_FUNCTION_LOAD_FAILED', this.loadError));
      else this.queue.push(call);
    }
    this.dispatch();
  }

  /** Resolves when no call is queued or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends every worker now; calls still running or queued get `code`. */
  async terminate(code: ErrorCode, message: string): Promise<void> {
    this.retired = true;
    for (const call of this.queue.splice(0)) call.resolve(refused(code, failure(code, message)));
    await Promise.all([...this.workers].map((worker) => worker.terminate(code, message)));
  }

  private isIdle(): boolean {
    if (this.queue.length > 0) return false;
    for (const worker of this.workers) if (worker.active > 0) return false;
    return true;
  }

  /** SPEC R43: the most recently used ready worker with a free slot. */
  private pickWorker(): FunctionInstance | null {
    let best: FunctionInstance | null = null;
    for (const worker of this.workers) {
      if (worker.state !== 'ready' || worker.active >= this.options.concurrencyPerWorker) continue;
      if (best === null || worker.lastUsed > best.lastUsed) best = worker;
    }
    return best;
  }

  /** Slots of workers that are loading, or could still be started: calls waiting for them are not "queued". */
  private startingCapacity(): number {
    let loading = 0;
    let live = 0;
    for (const worker of this.workers) {
      if (worker.state === 'loading') loading++;
      if (worker.state === 'loading' || worker.state === 'ready') live++;
    }
    const startable = this.retired || this.growthBlocked ? 0 : Math.max(0, this.options.maxWorkersPerFunction - live);
    return (loading + startable) * this.options.concurrencyPerWorker;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.pickWorker();
      if (worker === null) break;
      worker.run(this.queue.shift()!, ++useStamps);
    }
    this.grow();
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** SPEC R43: a new worker only when the queue is longer than what loading workers will take. */
  private grow(): void {
    if (this.retired || this.growthBlocked) return;
    let loading = 0;
    let live = 0;
    for (const worker of this.workers) {
      if (worker.state === 'loading') loading++;
      if (worker.state === 'loading' || worker.state === 'ready') live++;
    }
    while (this.queue.length > loading * this.options.concurrencyPerWorker && live < this.options.maxWorkersPerFunction) {
      void this.spawn();
      loading++;
      live++;
    }
  }

  /** Starts a worker; resolves with its load result (a worker that cannot even start is a failed load). */
  private spawn(): Promise<LoadResult> {
    let worker: FunctionInstance;
    try {
      worker = this.startInstance(this.spec, {
        instanceKey: `${this.spec.definition.id}#${++instanceKeys}`,
        idleMs: this.options.workerIdleMs,
        onEvent: this.options.onEvent,
        onChange: (changed) => this.changed(changed),
      });
    } catch (error) {
      // e.g. execArgv a worker refuses, or TypeScript sources without tsx installed.
      const failed: LoadResult = { ok: false, error: serializeError(error, this.spec.redactions) };
      queueMicrotask(() => this.loadFailed(failed.error));
      return Promise.resolve(failed);
    }
    this.workers.add(worker);
    void worker.loaded.then((result) => {
      if (result.ok) this.growthBlocked = false;
      else this.loadFailed(result.error);
    });
    return worker.loaded;
  }

  private loadFailed(error: SerializedError): void {
    this.growthBlocked = true;
    for (const worker of this.workers) if (worker.state === 'loading' || worker.state === 'ready') return;
    // No worker left to serve the queue: the calls fail rather than wait forever.
    for (const call of this.queue.splice(0)) call.resolve(refused('HSF_FUNCTION_LOAD_FAILED', error));
    this.growthBlocked = false;
    this.dispatch();
  }

  private changed(worker: FunctionInstance): void {
    if (worker.state === 'ended') this.workers.delete(worker);
    this.dispatch();
  }
}

/** A result for a call that did not run. */
export function refused(code: ErrorCode, error: SerializedError): RunResult {
  return { outcome: { type: 'error', code, error }, log: '', executionTime: 0, memoryUsedMb: 0 };
}
