// The worker-thread runner (SPEC R44, `isolation: 'worker'`): every function runs in worker
// threads of its own, with its own process.env (SPEC R30, R31), a memory cap and hard
// termination on timeout, so nothing a function does stops the host or other functions'
// requests (SPEC R46). The rest of the core cannot tell it from the inline runner.
import type { Runner } from '../definitions';
import { createPoolRunner } from './pool-runner';
import type { PoolRunnerOptions } from './pool-runner';
import { WorkerInstance } from './worker-instance';

/** The runner's options: pool sizes and limits from ResolvedOptions, and where events go. */
export type WorkerRunnerOptions = PoolRunnerOptions;

/**
 * Creates the worker-thread runner: one pool of workers per function definition, warm reuse
 * most recently used first (SPEC R43), bounded pools and queues, idle workers retired.
 * @example
 * const runner = createWorkerRunner({ memoryLimitMb: 128, concurrencyPerWorker: 1, maxWorkersPerFunction: 4,
 *   maxQueuePerFunction: 100, workerIdleMs: 300000, closeTimeoutMs: 5000, onEvent: (e) => console.warn(e.message) });
 * await runner.prepare(spec);
 * const result = await runner.run({ requestId, functionId: spec.definition.id, data, timeoutMs: 10000 });
 * await runner.close();
 */
export function createWorkerRunner(options: WorkerRunnerOptions): Runner {
  return createPoolRunner(options, (spec, instanceOptions) => new WorkerInstance(spec, instanceOptions));
}
