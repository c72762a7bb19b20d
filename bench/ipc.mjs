#!/usr/bin/env node
// The IPC of process isolation (issue #14), measured: one invocation's round trip (a `run`
// message out, a `result` with its body back) between this process and a child, over
//   - node's IPC channel, serialization 'advanced' (v8.serialize, Buffers as bytes),
//   - node's IPC channel, serialization 'json' (Buffers become arrays of numbers: a baseline),
//   - a pipe on fd 3 carrying v8.serialize frames,
//   - a pipe on fd 3 carrying our frames (dist/src/runner/process-protocol.js: a JSON header
//     and the body as raw bytes), which the process runner uses.
// Bounded: ROUNDS round trips per variant and body size. Needs `npm run build`.
//   node bench/ipc.mjs            ROUNDS=5000 by default (fewer for big bodies); BODY_BYTES=30,65536,1048576
import { fork, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Socket } from 'node:net';

const require = createRequire(import.meta.url);
const { encodeFrame, FrameDecoder } = require('../dist/src/runner/process-protocol.js');
const self = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.ROUNDS ?? 5000);
const SIZES = (process.env.BODY_BYTES ?? '30,65536,1048576').split(',').map(Number);

const run = (id) => ({
  type: 'run', id,
  request: {
    requestId: 'b7c1e2a4-1111-2222-3333-444455556666', functionId: 'bench.functions#hello', timeoutMs: 10000,
    data: { kind: 'endpoint', context: { accountId: 0, body: {}, contact: null, headers: { host: '127.0.0.1:3000', 'user-agent': 'wrk', 'true-client-ip': '127.0.0.1', 'x-forwarded-for': '127.0.0.1' }, params: {}, limits: { executionsRemaining: 1000, timeRemaining: 600000 }, method: 'GET', endpoint: 'hello' } },
  },
});
const result = (id, body) => ({
  type: 'result', id,
  result: { outcome: { type: 'response', response: { statusCode: 200, headers: [['content-type', 'application/json; charset=utf-8']], body } }, log: '', executionTime: 0.05, memoryUsedMb: 5 },
});

/** v8.serialize frames: length, then the serialized message. */
const v8Frame = (message) => {
  const bytes = v8.serialize(message);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(bytes.length);
  return [head, bytes];
};
class V8Decoder {
  constructor(onMessage) { this.onMessage = onMessage; this.buffer = Buffer.alloc(0); }
  push(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readUInt32LE(0)) {
      const end = 4 + this.buffer.readUInt32LE(0);
      this.onMessage(v8.deserialize(this.buffer.subarray(4, end)));
      this.buffer = this.buffer.subarray(end);
    }
  }
}

if (process.argv[2] === 'child') {
  // The child answers every `run` with a `result` carrying BODY bytes.
  const [, , , variant, size] = process.argv;
  const body = Buffer.alloc(Number(size), 7);
  if (variant === 'advanced' || variant === 'json') {
    process.on('message', (m) => process.send(result(m.id, variant === 'json' ? body.toString('latin1') : body)));
  } else {
    const channel = new Socket({ fd: 3, readable: true, writable: true });
    const send = (m) => { for (const c of variant === 'v8' ? v8Frame(m) : encodeFrame(m)) channel.write(c); };
    const decoder = variant === 'v8' ? new V8Decoder((m) => send(result(m.id, body))) : new FrameDecoder((m) => send(result(m.id, body)));
    channel.on('data', (c) => decoder.push(c));
    channel.on('end', () => process.exit(0));
  }
} else {
  for (const size of SIZES) {
    // JSON carries bytes as an escaped string: past 64 KB it only measures that.
    const variants = size <= 65536 ? ['advanced', 'json', 'v8', 'ours'] : ['advanced', 'v8', 'ours'];
    const rounds = Math.max(100, Math.min(ROUNDS, Math.floor((ROUNDS * 65536) / Math.max(size, 1))));
    for (const variant of variants) {
      let child;
      let send;
      let onMessage = () => undefined;
      if (variant === 'advanced' || variant === 'json') {
        child = fork(self, ['child', variant, String(size)], { serialization: variant, env: {} });
        send = (m) => child.send(m);
        child.on('message', (m) => onMessage(m));
      } else {
        child = spawn(process.execPath, [self, 'child', variant, String(size)], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'], env: {} });
        const channel = child.stdio[3];
        send = (m) => { for (const c of variant === 'v8' ? v8Frame(m) : encodeFrame(m)) channel.write(c); };
        const decoder = variant === 'v8' ? new V8Decoder((m) => onMessage(m)) : new FrameDecoder((m) => onMessage(m));
        channel.on('data', (c) => decoder.push(c));
      }
      const sequential = () => new Promise((resolve) => {
        let i = 0;
        const t0 = process.hrtime.bigint();
        onMessage = () => (++i >= rounds ? resolve(Number(process.hrtime.bigint() - t0) / 1e3 / rounds) : send(run(i)));
        send(run(0));
      });
      const inFlight = (k) => new Promise((resolve) => {
        let done = 0;
        let sent = 0;
        const t0 = process.hrtime.bigint();
        onMessage = () => {
          if (++done >= rounds) resolve(Number(process.hrtime.bigint() - t0) / 1e3 / rounds);
          else if (sent < rounds) send(run(sent++));
        };
        for (; sent < k; sent++) send(run(sent));
      });
      await sequential();
      const seq = await sequential();
      const par = await inFlight(8);
      process.stdout.write(`body ${String(size).padStart(7)} B  ${variant.padEnd(8)}  sequential ${seq.toFixed(1).padStart(7)} µs per round trip   8 in flight ${par.toFixed(1).padStart(7)} µs per round trip\n`);
      child.kill('SIGKILL');
    }
  }
}
