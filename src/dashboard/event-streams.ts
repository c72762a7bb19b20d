// The dashboard's open Server-Sent Events streams, bounded (issue #10 item 3): at most
// `maxStreams` at once, and a client that stops reading is dropped once what Node holds for it
// passes `maxBufferBytes`, instead of the server keeping every record for it.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A comment line every so often keeps proxies from closing an idle event stream. */
const HEARTBEAT_MS = 15_000;

/** The open event streams of one dashboard. */
export interface EventStreams {
  /** How many are open. */
  readonly size: number;
  /** Whether one more may open. */
  full(): boolean;
  /** Starts a stream with its first frame; the caller checked full() first. */
  open(req: IncomingMessage, res: ServerResponse, first: string): void;
  /** Writes one frame to every open stream. */
  broadcast(frame: string): void;
  /** Ends every stream. */
  close(): void;
}

/**
 * Creates the set of streams.
 * @param limits.maxBufferBytes what one client may have buffered before it is dropped
 */
export function createEventStreams(limits: { maxStreams: number; maxBufferBytes: number }): EventStreams {
  // Each stream with the bytes it may buffer: its first frame (the buffered records, which may be
  // larger than the bound) plus the bound, until it drains once; then the bound.
  const streams = new Map<ServerResponse, number>();
  let heartbeat: NodeJS.Timeout | undefined;

  const drop = (res: ServerResponse): void => {
    if (!streams.delete(res)) return;
    if (streams.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  const write = (res: ServerResponse, frame: string): void => {
    // write() returning false means the client is not keeping up: its bytes wait in Node's
    // buffers (writableLength counts the socket's too). Past the allowance, drop it: destroy,
    // not end, since end() would keep the buffer until a client that does not read reads it.
    if (res.write(frame) || res.writableLength <= (streams.get(res) ?? 0)) return;
    drop(res);
    res.destroy();
  };

  return {
    get size() {
      return streams.size;
    },
    full() {
      return streams.size >= limits.maxStreams;
    },
    open(req, res, first) {
      // A client that left while authorize() ran is already gone: nothing to keep.
      if (res.destroyed || req.socket.destroyed) return;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      streams.set(res, Buffer.byteLength(first) + limits.maxBufferBytes);
      res.on('drain', () => {
        if (streams.has(res)) streams.set(res, limits.maxBufferBytes);
      });
      req.once('close', () => drop(res));
      res.once('close', () => drop(res));
      write(res, first);
      heartbeat ??= setInterval(() => {
        for (const stream of streams.keys()) write(stream, ': ping\n\n');
      }, HEARTBEAT_MS).unref();
    },
    broadcast(frame) {
      // write() may drop a stream while we walk the map: a Map's iterator allows that.
      for (const res of streams.keys()) write(res, frame);
    },
    close() {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      for (const res of streams.keys()) res.end();
      streams.clear();
    },
  };
}
