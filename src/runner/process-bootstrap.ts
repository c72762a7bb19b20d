// The entry of a function's child process (SPEC R44, `isolation: 'process'`): reads frames from
// fd 3 (process-protocol.ts), reports its own RSS before any function code runs (the baseline of
// the host's memory cap), then serves the function (serve-function.ts). When the host goes away
// the pipe closes and the child exits: it never outlives its host.
import { Socket } from 'node:net';
import { serveFunction } from './serve-function';
import { yieldToHost } from './yield-to-host';
import { FrameDecoder, encodeFrame } from './process-protocol';
import type { FromChildMessage, ProcessStartData, ToChildMessage } from './process-protocol';
import type { HostMessage } from './worker-protocol';

/** Serves one function over the pipe on `fd`; the first frame says which. */
export function serveFunctionProcess(fd: number): void {
  yieldToHost();
  const channel = new Socket({ fd, readable: true, writable: true });
  const listeners: Array<(message: HostMessage) => void> = [];
  const post = (message: FromChildMessage): void => {
    const chunks = encodeFrame(message);
    if (chunks.length > 1) channel.cork();
    for (const chunk of chunks) channel.write(chunk);
    if (chunks.length > 1) channel.uncork();
  };
  let started = false;
  const start = (data: ProcessStartData): void => {
    started = true;
    post({ type: 'booted', rssBytes: process.memoryUsage.rss() });
    serveFunction({ post, onMessage: (listener) => listeners.push(listener) }, data);
  };
  const decoder = new FrameDecoder<ToChildMessage>((message) => {
    if (message.type === 'start') {
      if (!started) start(message);
      return;
    }
    for (const listener of listeners) listener(message);
  });
  channel.on('data', (chunk: Buffer) => decoder.push(chunk));
  // The host is gone (or closed the pipe): nothing can reach this function any more.
  const leave = (): void => process.exit(0);
  channel.on('end', leave);
  channel.on('error', leave);
}

if (require.main === module) serveFunctionProcess(3);
