// The Runner over pools of instances (SPEC R43, R44), shared by the worker-thread and the
// child-process runner: one pool per function definition id, a second prepare() of the same id
// replaces the pool once its calls under way finish (secret rotation, reload), release() and a
// bounded close().
import type { InstanceSpec, LoadResult, RunRequest, RunResult, Runner, RunnerEvent } from '../definitions';
import { failure } from './function-instance';
import { WorkerPool, refused } from './worker-pool';
import type { StartInstance } from './worker-pool';

/** The runner's options: pool sizes and limits from ResolvedOptions, and where events go. */
export interface PoolRunnerOptions {
  memoryLimitMb: number;
  concurrencyPerWorker: number;
  maxWorkersPerFunction: number;
  maxQueuePerFunction: number;
  workerIdleMs: number;
  closeTimeoutMs: number;
  onEvent: (event: RunnerEvent) => void;
}

/** Creates a runner whose instances `startInstance` starts (a worker thread or a child process). */
export function createPoolRunner(options: PoolRunnerOptions, startInstance: StartInstance): Runner {
  /** The pool serving each definition id now. */
  const current = new Map<string, { pool: WorkerPool; generation: number }>();
  /** Every pool not yet terminated, replaced ones included (they finish their calls). */
  const pools = new Set<WorkerPool>();
  let generations = 0;
  let closed = false;

  async function prepare(spec: InstanceSpec): Promise<LoadResult> {
    if (closed) return { ok: false, error: closedError() };
    const id = spec.definition.id;
    const generation = ++generations;
    // The spec's memoryLimitMb wins; the runner's option is the default for specs without one.
    const limited: InstanceSpec = { ...spec, memoryLimitMb: spec.memoryLimitMb > 0 ? spec.memoryLimitMb : options.memoryLimitMb };
    const pool = new WorkerPool(limited, options, startInstance);
    pools.add(pool);
    const result = await pool.start();
    const previous = current.get(id);
    if (closed || (previous !== undefined && previous.generation > generation)) {
      // Closed meanwhile, or a later prepare of the same id finished first: the newest wins.
      pools.delete(pool);
      await pool.terminate('HSF_CLOSED', 'was replaced by a newer version of the function');
      return result;
    }
    current.set(id, { pool, generation });
    if (previous !== undefined) {
      // Secret rotation, hot reload: new calls go to the new instances; the old ones finish theirs.
      pool.adopt(previous.pool.retire());
      void previous.pool
        .whenIdle()
        .then(() => previous.pool.terminate('HSF_CLOSED', 'was replaced by a newer version of the function'))
        .then(() => pools.delete(previous.pool));
    }
    return result;
  }

  function run(request: RunRequest): Promise<RunResult> {
    if (closed) return Promise.resolve(refused('HSF_CLOSED', closedError()));
    const entry = current.get(request.functionId);
    if (entry === undefined) {
      const message = `No function "${request.functionId}" was prepared in this runner; call prepare(spec) first.`;
      return Promise.resolve(refused('HSF_FUNCTION_LOAD_FAILED', failure('HSF_FUNCTION_LOAD_FAILED', message)));
    }
    return entry.pool.run(request);
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const all = [...pools];
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.closeTimeoutMs);
      timer.unref();
    });
    // In-flight and queued calls finish, for at most closeTimeoutMs; then every instance ends.
    await Promise.race([Promise.all(all.map((pool) => pool.whenIdle())), limit]);
    clearTimeout(timer);
    await Promise.all(all.map((pool) => pool.terminate('HSF_CLOSED', `was stopped: the runner closed and its calls did not finish within ${options.closeTimeoutMs} ms`)));
    pools.clear();
    current.clear();
  }

  async function release(functionId: string): Promise<void> {
    const entry = current.get(functionId);
    if (entry === undefined) return;
    current.delete(functionId);
    // A removed function's calls already under way finish; then its instances end.
    await entry.pool.whenIdle();
    await entry.pool.terminate('HSF_CLOSED', 'was removed from the configuration');
    pools.delete(entry.pool);
  }

  return { prepare, run, release, close };
}

function closedError(): ReturnType<typeof failure> {
  return failure('HSF_CLOSED', 'The runner was closed; it no longer runs functions. Create a new host.');
}
