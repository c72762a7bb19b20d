// The entry of a function's worker thread (SPEC R44): serves the function (serve-function.ts)
// over the thread's parent port. Big result bodies cross by transfer (worker-protocol.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { serveFunction } from './serve-function';
import { yieldToHost } from './yield-to-host';
import type { HostMessage, WorkerMessage, WorkerStartData } from './worker-protocol';
import { WORKER_MARKER, prepareTransfer } from './worker-protocol';

/** Serves one function in this worker thread: loads it, then answers `run` messages on `port`. */
export function serveFunctionWorker(port: MessagePort, start: WorkerStartData): void {
  yieldToHost();
  serveFunction(
    {
      post: (message: WorkerMessage) => port.postMessage(message, message.type === 'result' ? prepareTransfer(message.result) : []),
      onMessage: (listener: (message: HostMessage) => void) => port.on('message', listener),
    },
    start,
  );
}

const data = workerData as (WorkerStartData & { marker?: string }) | null;
if (parentPort !== null && data !== null && typeof data === 'object' && data.marker === WORKER_MARKER) {
  serveFunctionWorker(parentPort, data);
}
