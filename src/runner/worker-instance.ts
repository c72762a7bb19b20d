// One function worker thread seen from the host (SPEC R44): starts the thread with the
// function's own env and memory limits; everything else (answers, timeouts, retirement) is the
// shared FunctionInstance. A worker is unref'd whenever it has nothing to do, so a forgotten
// close() never keeps a process alive.
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InstanceSpec } from '../definitions';
import { FunctionInstance } from './function-instance';
import type { InstanceOptions } from './function-instance';
import type { HostMessage, WorkerMessage, WorkerStartData } from './worker-protocol';
import { WORKER_MARKER, reviveResult } from './worker-protocol';

const MEMORY_CHECK_MS = 50;
const MB = 1024 * 1024;

// The bootstrap sits next to this file: .ts under tsx, .js in dist/.
const BOOTSTRAP = join(__dirname, 'worker-bootstrap' + extname(__filename));

/** One worker thread running one function instance. */
export class WorkerInstance extends FunctionInstance {
  private readonly worker: Worker;

  constructor(spec: InstanceSpec, options: InstanceOptions) {
    super(spec, options, 'worker');
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
    this.worker.on('message', (message: WorkerMessage) => {
      if (message?.type === 'result' && typeof message.result?.outcome === 'object') reviveResult(message.result);
      this.deliver(message);
    });
    this.worker.on('error', (error: Error & { code?: string }) => {
      // V8's heap limit (resourceLimits) ends the worker with this code (SPEC R46).
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.memoryUsedMb = spec.memoryLimitMb;
        this.fail('HSF_OUT_OF_MEMORY', `went over its V8 heap limit of ${spec.memoryLimitMb} MB`);
      } else this.fail('HSF_FUNCTION_CRASHED', `ended with an uncaught error: ${error.name}: ${error.message}`);
    });
    this.worker.on('exit', (code) => this.fail('HSF_FUNCTION_CRASHED', `exited with code ${code} (process.exit() ends the function's worker)`));
  }

  protected send(message: HostMessage): void {
    this.worker.postMessage(message);
  }

  protected stop(): void {
    void this.worker.terminate();
  }

  protected hold(held: boolean): void {
    if (held) this.worker.ref();
    else this.worker.unref();
  }
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
