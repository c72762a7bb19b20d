// The child-process runner (SPEC R44, `isolation: 'process'`): every function instance is a
// child process of its own, with only its own environment (SPEC R30, R31), its own time zone and
// heap, its memory capped from outside by RSS, and SIGKILL on timeout; a crash, process.exit(),
// process.kill(process.pid) or a native abort costs only the calls of that child (SPEC R46).
// Pools, queues, warm reuse and replacement are the worker runner's (pool-runner.ts).
import type { Runner } from '../definitions';
import { createPoolRunner } from './pool-runner';
import type { PoolRunnerOptions } from './pool-runner';
import { ProcessInstance } from './process-instance';

/** The runner's options: the worker runner's, with the same meaning. */
export type ProcessRunnerOptions = PoolRunnerOptions;

/**
 * Creates the child-process runner: one pool of child processes per function definition, warm
 * reuse most recently used first (SPEC R43), bounded pools and queues, idle children retired.
 * @example
 * const runner = createProcessRunner({ memoryLimitMb: 128, concurrencyPerWorker: 1, maxWorkersPerFunction: 4,
 *   maxQueuePerFunction: 100, workerIdleMs: 300000, closeTimeoutMs: 5000, onEvent: (e) => console.warn(e.message) });
 * await runner.prepare(spec);
 * const result = await runner.run({ requestId, functionId: spec.definition.id, data, timeoutMs: 10000 });
 * await runner.close();
 */
export function createProcessRunner(options: ProcessRunnerOptions): Runner {
  return createPoolRunner(options, (spec, instanceOptions) => new ProcessInstance(spec, instanceOptions));
}
