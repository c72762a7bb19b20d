// The wire between the host and a function's child process (SPEC R44): length-prefixed frames on
// a pipe of its own (the child's fd 3), each a JSON header and at most one run of raw bytes (a
// request's rawBody, a response's body), so bodies cross as bytes, never as JSON arrays, and
// one invocation is one frame each way. Measured against node's IPC channel with
// `serialization: 'advanced'` (v8.serialize) and against v8.serialize frames on the same pipe:
// JSON headers were the fastest (docs/isolation.md). The messages are those of
// worker-protocol.ts, plus the child's first message, `booted`.
//
//   frame  = length:u32le  flags:u8  headerLength:u32le  header:utf8-json  bytes
//   length = 5 + headerLength + bytes length (everything after the length field)
//   flags  = 1 when `bytes` belongs at the message's byte slot (even when empty), else 0
import type { ServeStart } from './serve-function';
import type { HostMessage, WorkerMessage } from './worker-protocol';

/** What the host sends first: the function to serve (never in argv or env: redactions hold secrets). */
export interface ProcessStartData extends ServeStart {
  type: 'start';
}

/** Host → child. */
export type ToChildMessage = ProcessStartData | HostMessage;

/** Child → host: the worker messages, and `booted` with the RSS of an empty child (its memory baseline). */
export type FromChildMessage = WorkerMessage | { type: 'booted'; rssBytes: number };

const LENGTH_BYTES = 4;
const PREFIX_BYTES = 9;
/** Below this a frame is one concatenated write; above, header and body go out as two writes. */
const COPY_MAX_BYTES = 64 * 1024;

/** The bytes of a message, if it carries some, and its header without them. */
function splitBytes(message: ToChildMessage | FromChildMessage): [header: unknown, bytes: Uint8Array | null] {
  if (message.type === 'run') {
    const context = message.request.data.context;
    const raw = context.rawBody;
    if (!(raw instanceof Uint8Array)) return [message, null];
    const request = { ...message.request, data: { ...message.request.data, context: { ...context, rawBody: null } } };
    return [{ ...message, request }, raw];
  }
  if (message.type === 'result' && message.result.outcome.type === 'response') {
    const { outcome } = message.result;
    const header = { ...message, result: { ...message.result, outcome: { ...outcome, response: { ...outcome.response, body: null } } } };
    return [header, outcome.response.body];
  }
  return [message, null];
}

/** Puts the bytes back where splitBytes took them from. */
function joinBytes(message: ToChildMessage | FromChildMessage, bytes: Buffer): void {
  if (message.type === 'run') message.request.data.context.rawBody = bytes;
  else if (message.type === 'result' && message.result.outcome.type === 'response') message.result.outcome.response.body = bytes;
}

/**
 * Encodes one message as the chunks of one frame (one chunk for small frames).
 * @throws TypeError for a header JSON cannot carry (a BigInt, a cycle)
 */
export function encodeFrame(message: ToChildMessage | FromChildMessage): Buffer[] {
  const [header, bytes] = splitBytes(message);
  const json = JSON.stringify(header);
  const headerLength = Buffer.byteLength(json);
  const bodyLength = bytes === null ? 0 : bytes.byteLength;
  const small = bodyLength <= COPY_MAX_BYTES;
  const head = Buffer.allocUnsafe(PREFIX_BYTES + headerLength + (small ? bodyLength : 0));
  head.writeUInt32LE(PREFIX_BYTES - LENGTH_BYTES + headerLength + bodyLength, 0);
  head.writeUInt8(bytes === null ? 0 : 1, 4);
  head.writeUInt32LE(headerLength, 5);
  head.write(json, PREFIX_BYTES, 'utf8');
  if (bytes === null || bodyLength === 0) return [head];
  if (small) {
    head.set(bytes, PREFIX_BYTES + headerLength);
    return [head];
  }
  return [head, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
}

/**
 * Reads frames from a stream's chunks, in order, whatever their boundaries; a frame's bytes are
 * a view of the chunk they arrived in (no copy unless the frame spans chunks).
 */
export class FrameDecoder<T extends { type: string }> {
  private chunks: Buffer[] = [];
  private size = 0;
  /** The whole frame's size with its length field, once known. */
  private need = -1;

  /** @param maxFrameBytes a frame announcing more than this is refused (a RangeError from push). */
  constructor(private readonly onMessage: (message: T) => void, private readonly maxFrameBytes = Number.POSITIVE_INFINITY) {}

  /** Feeds one chunk; calls onMessage for every frame it completes. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.size < LENGTH_BYTES) return;
        this.need = LENGTH_BYTES + this.joined().readUInt32LE(0);
        if (this.need > this.maxFrameBytes || this.need < PREFIX_BYTES) {
          throw new RangeError(`a frame of ${this.need} bytes (at most ${this.maxFrameBytes}, at least ${PREFIX_BYTES})`);
        }
      }
      if (this.size < this.need) return;
      const all = this.joined();
      const frame = all.subarray(0, this.need);
      const rest = all.subarray(this.need);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.size = rest.length;
      this.need = -1;
      this.onMessage(decodeFrame(frame) as T);
    }
  }

  /** The chunks as one Buffer (kept as one, so the next read is free). */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0];
  }
}

/** Decodes one whole frame (length field included). */
export function decodeFrame(frame: Buffer): ToChildMessage | FromChildMessage {
  const flags = frame.readUInt8(4);
  const headerLength = frame.readUInt32LE(5);
  const end = PREFIX_BYTES + headerLength;
  const message = JSON.parse(frame.toString('utf8', PREFIX_BYTES, end)) as ToChildMessage | FromChildMessage;
  if (flags === 1) joinBytes(message, frame.subarray(end));
  return message;
}
