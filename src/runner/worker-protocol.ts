// The messages between the host and one function worker (SPEC R44). Everything here crosses a
// structured clone, so it is plain data: the worker rebuilds the context (reviveContext) and the
// host rebuilds the response body Buffer (reviveResult).
import type { FunctionDefinition, RunRequest, RunResult, RunnerEvent, SerializedError } from '../definitions';

/** Marks the workerData of our workers, so the bootstrap does nothing when imported elsewhere. */
export const WORKER_MARKER = 'hubspot-functions-worker';

/** What a worker is started with (`workerData`). */
export interface WorkerStartData {
  definition: FunctionDefinition;
  /** A key of its own for this module instance (SPEC R9): ES modules are cached per URL. */
  instanceKey: string;
  redactions: Array<[name: string, value: string]>;
  /** SPEC R44: heap + external memory above this ends the worker with HSF_OUT_OF_MEMORY. */
  memoryLimitBytes: number;
  /** How often the worker checks its memory between invocations' ends. */
  memoryCheckMs: number;
  /** The installed preloaded packages the function may fall back to (SPEC R42). */
  preloaded: Record<string, string>;
}

/** Host → worker. */
export type HostMessage = { type: 'run'; id: number; request: RunRequest };

/** Worker → host. */
export type WorkerMessage =
  /** The module loaded; the worker takes calls. */
  | { type: 'loaded' }
  /** The module did not load (SPEC R7); the worker waits to be terminated. */
  | { type: 'load-failed'; error: SerializedError }
  /** One console line of a running invocation, redacted: kept by the host in case the worker dies (SPEC R45). */
  | { type: 'log'; id: number; level: 'INFO' | 'WARN' | 'ERROR'; message: string }
  /** An invocation's result, the body as a Uint8Array (a clone drops the Buffer prototype). */
  | { type: 'result'; id: number; result: RunResult }
  /** An uncaught exception or unhandled rejection charged to an unanswered invocation (SPEC R44). */
  | { type: 'fault'; id: number; error: SerializedError }
  /** Something reported outside a result: a late error, a second sendResponse (SPEC R47). */
  | { type: 'event'; event: Omit<RunnerEvent, 'functionId'> }
  /** Heap + external memory went over the cap (SPEC R44); the host terminates the worker. */
  | { type: 'over-memory'; usedBytes: number; /** an allocation the guard refused (guardBufferAllocations) */ refusedBytes?: number };

const isString = (value: unknown): value is string => typeof value === 'string';
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function checkError(error: unknown): string | null {
  if (!isRecord(error) || !isString(error.type) || !isString(error.message)) return 'an error without type and message';
  return Array.isArray(error.stackTrace) && error.stackTrace.every(isString) ? null : 'an error whose stackTrace is not a list of strings';
}

function checkResult(result: unknown): string | null {
  if (!isRecord(result) || !isString(result.log) || typeof result.executionTime !== 'number' || typeof result.memoryUsedMb !== 'number') return 'a result without log, executionTime and memoryUsedMb';
  const outcome = result.outcome;
  if (!isRecord(outcome)) return 'a result without an outcome';
  if (outcome.type === 'timeout') return null;
  if (outcome.type === 'error') return isString(outcome.code) ? checkError(outcome.error) : 'an error outcome without a code';
  if (outcome.type !== 'response' || !isRecord(outcome.response)) return `an outcome of type ${String(outcome.type)}`;
  const { statusCode, headers, body } = outcome.response;
  if (!Number.isInteger(statusCode) || !(body instanceof Uint8Array)) return 'a response without a status code and a byte body';
  const pairs = Array.isArray(headers) && headers.every((h) => Array.isArray(h) && h.length === 2 && isString(h[0]) && isString(h[1]));
  return pairs ? null : 'a response whose headers are not [name, value] string pairs';
}

/**
 * What is wrong with a message from an instance, or null. Function code can write to its own
 * channel (parentPort.postMessage, the child's fd 3), so the host never trusts the shape.
 */
export function checkWorkerMessage(message: unknown): string | null {
  if (!isRecord(message) || !isString(message.type)) return 'not a message';
  switch (message.type) {
    case 'loaded':
      return null;
    case 'load-failed':
      return checkError(message.error);
    case 'log':
      return typeof message.id === 'number' && isString(message.message) && ['INFO', 'WARN', 'ERROR'].includes(message.level as string) ? null : 'a log line without id, level and text';
    case 'result':
      return typeof message.id === 'number' ? checkResult(message.result) : 'a result without an id';
    case 'fault':
      return typeof message.id === 'number' ? checkError(message.error) : 'a fault without an id';
    case 'event':
      return isRecord(message.event) && isString(message.event.requestId) && isString(message.event.message) && (message.event.level === 'WARN' || message.event.level === 'ERROR') ? null : 'an event without requestId, level and message';
    case 'over-memory':
      return typeof message.usedBytes === 'number' ? null : 'an over-memory report without usedBytes';
    default:
      return `a message of unknown type "${message.type}"`;
  }
}

/** A RunResult as the host uses it: the cloned body becomes a Buffer again, without a copy. */
export function reviveResult(result: RunResult): RunResult {
  if (result.outcome.type !== 'response') return result;
  const body: Uint8Array = result.outcome.response.body;
  if (!Buffer.isBuffer(body)) {
    result.outcome.response.body = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  return result;
}

/** Bodies at least this big cross by transfer (one copy) rather than by clone (two). */
const TRANSFER_MIN_BYTES = 64 * 1024;

/**
 * The ArrayBuffers to transfer with a result. The body may share memory with a Buffer the
 * function keeps (mapResponse does not copy bytes), and a transfer would empty it, so a big
 * body is first copied into an ArrayBuffer of its own: one copy instead of the clone's two.
 */
export function prepareTransfer(result: RunResult): ArrayBuffer[] {
  if (result.outcome.type !== 'response') return [];
  const body = result.outcome.response.body;
  if (body.byteLength < TRANSFER_MIN_BYTES) return [];
  const own = new Uint8Array(body.byteLength);
  own.set(body);
  result.outcome.response.body = Buffer.from(own.buffer);
  return [own.buffer];
}
