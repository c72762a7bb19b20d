// One function child process seen from the host (SPEC R44, `isolation: 'process'`): started with
// the function's own environment and nothing else (SPEC R30, R31: /proc/self/environ included),
// its own time zone (the env's TZ) and V8 heap limit, in a process group of its own; its memory
// is capped from outside by RSS (process-memory-watch.ts); on a timeout, over memory or at close
// it gets SIGKILL, which no code inside it can delay. Answers, timeouts and retirement are the
// shared FunctionInstance. An idle child is unref'd, so a forgotten close() never keeps the host
// alive, and a child whose host is gone sees its pipe close and exits.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { extname, join } from 'node:path';
import type { InstanceSpec } from '../definitions';
import { FunctionInstance } from './function-instance';
import type { InstanceOptions } from './function-instance';
import { canWatchMemory, watchMemory } from './process-memory-watch';
import type { MemoryWatchEntry } from './process-memory-watch';
import { FrameDecoder, encodeFrame } from './process-protocol';
import type { FromChildMessage, ToChildMessage } from './process-protocol';
import type { HostMessage, WorkerMessage } from './worker-protocol';

const MB = 1024 * 1024;
// Without /proc the child checks its own heap + external memory this often while busy.
const MEMORY_CHECK_MS = 50;
// How long a child that aborted is given to finish writing V8's fatal-error text on stderr.
const ABORT_REPORT_MS = 200;
const STDERR_TAIL_CHARS = 4096;
// A result's body is at most 6 MB (SPEC R52); a frame claiming far more is not ours.
const MAX_FRAME_BYTES = 16 * MB;
// The baseline until the child reports its own (it does before any function code runs).
const DEFAULT_BASELINE_BYTES = 64 * MB;

// The bootstrap sits next to this file: .ts under tsx, .js in dist/.
const BOOTSTRAP = join(__dirname, 'process-bootstrap' + extname(__filename));
const WATCH_RSS = canWatchMemory();

/** One child process running one function instance. */
export class ProcessInstance extends FunctionInstance {
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private readonly stderr: Socket;
  private readonly watch: MemoryWatchEntry | null = null;
  /** The child's RSS before the function's module loaded: an empty Node process (SPEC R44); -1 until it reports. */
  private baselineBytes = -1;
  private stderrTail = '';

  constructor(spec: InstanceSpec, options: InstanceOptions) {
    super(spec, options, 'process');
    this.child = spawnChild(spec);
    this.channel = this.child.stdio[3] as Socket;
    this.stderr = this.child.stderr as Socket;
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
    });
    const decoder = new FrameDecoder<FromChildMessage>((message) => {
      if (message?.type !== 'booted') this.deliver(message);
      // Only the bootstrap's own report, sent before any function code ran: a later one is forged.
      else if (this.baselineBytes < 0 && this.state === 'loading' && typeof message.rssBytes === 'number') this.baselineBytes = message.rssBytes;
    }, MAX_FRAME_BYTES);
    this.channel.on('data', (chunk: Buffer) => {
      if (this.state === 'ended') return;
      try {
        decoder.push(chunk);
      } catch (error) {
        // Bytes that are no frame: the function wrote to fd 3 itself.
        this.fail('HSF_FUNCTION_CRASHED', `sent the host bytes it could not read (${(error as Error).message})`);
      }
    });
    // EPIPE and the like once the child is gone: its 'exit' tells what happened.
    this.channel.on('error', () => undefined);
    this.stderr.setEncoding('utf8');
    this.stderr.on('data', (text: string) => (this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS)));
    this.stderr.on('error', () => undefined);
    this.child.on('error', (error) => this.fail('HSF_FUNCTION_CRASHED', `could not be started: ${error.message}`));
    this.child.on('exit', (code, signal) => this.exitedWith(code, signal));
    if (this.child.pid !== undefined && WATCH_RSS) {
      this.watch = watchMemory({
        pid: this.child.pid,
        busy: () => this.state === 'loading' || this.active > 0,
        onSample: (rssBytes) => this.checkMemory(rssBytes),
      });
    }
    this.writeFrame({
      type: 'start',
      definition: spec.definition,
      instanceKey: options.instanceKey,
      redactions: spec.redactions,
      memoryLimitBytes: WATCH_RSS ? null : spec.memoryLimitMb * MB,
      memoryCheckMs: MEMORY_CHECK_MS,
      preloaded: spec.preloaded ?? {},
    });
  }

  protected send(message: HostMessage): void {
    this.writeFrame(message);
  }

  protected stop(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    try {
      // The whole group: subprocesses the function started end with it (not yet reaped, so
      // the group id cannot belong to anyone else).
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  protected hold(held: boolean): void {
    for (const handle of [this.child, this.channel, this.stderr]) {
      if (held) handle.ref();
      else handle.unref();
    }
  }

  protected override callStarted(): void {
    this.watch?.busied();
  }

  protected override receive(message: WorkerMessage): void {
    // The record's `memory`: what the cap counts, the RSS above an empty Node process.
    if (message.type === 'result' && this.watch !== null && this.watch.rssBytes > 0 && this.baselineBytes >= 0) {
      message.result.memoryUsedMb = Math.max(0, Math.round((this.watch.rssBytes - this.baselineBytes) / MB));
    }
    super.receive(message);
  }

  private writeFrame(message: ToChildMessage): void {
    const chunks = encodeFrame(message);
    if (chunks.length === 1) {
      this.channel.write(chunks[0]);
      return;
    }
    this.channel.cork();
    for (const chunk of chunks) this.channel.write(chunk);
    this.channel.uncork();
  }

  /**
   * SPEC R44: the cap is `memoryLimitMb` above the child's RSS at boot (an empty Node process,
   * ~40-50 MB), so the function gets its whole limit for itself; over it, SIGKILL.
   */
  private checkMemory(rssBytes: number): void {
    if (this.state === 'ended') return;
    const baselineBytes = this.baselineBytes >= 0 ? this.baselineBytes : DEFAULT_BASELINE_BYTES;
    const usedBytes = rssBytes - baselineBytes;
    if (usedBytes <= this.spec.memoryLimitMb * MB) return;
    this.memoryUsedMb = Math.round(usedBytes / MB);
    this.fail(
      'HSF_OUT_OF_MEMORY',
      `used ${this.memoryUsedMb} MB of memory, over its limit of ${this.spec.memoryLimitMb} MB (resident set ${Math.round(rssBytes / MB)} MB, of which ${Math.round(baselineBytes / MB)} MB is Node itself), and was killed`,
    );
  }

  private exitedWith(code: number | null, signal: NodeJS.Signals | null): void {
    this.watch?.close();
    if (this.state === 'ended') return;
    if (signal === 'SIGABRT' || signal === 'SIGTRAP' || code === 134) {
      // V8 writes why it gave up (its heap limit) on stderr, then aborts: read it first (and
      // hand this child no call meanwhile).
      if (this.state === 'ready') this.markRetiring();
      const decide = (): void => {
        if (/heap out of memory|heap limit/i.test(this.stderrTail)) {
          this.memoryUsedMb = this.spec.memoryLimitMb;
          this.fail('HSF_OUT_OF_MEMORY', `went over its V8 heap limit of ${this.spec.memoryLimitMb} MB`);
        } else this.fail('HSF_FUNCTION_CRASHED', `crashed (${signal ?? `exit code ${code}`}: process.abort(), or a native addon)`);
      };
      const timer = setTimeout(decide, ABORT_REPORT_MS);
      this.stderr.once('end', () => {
        clearTimeout(timer);
        decide();
      });
      return;
    }
    if (signal !== null) {
      const why = signal === 'SIGKILL' ? ': process.kill(process.pid), or the system ran out of memory' : '';
      this.fail('HSF_FUNCTION_CRASHED', `was killed by ${signal}${why}`);
      return;
    }
    this.fail('HSF_FUNCTION_CRASHED', `exited with code ${code} (process.exit() ends the function's process)`);
  }
}

/**
 * Starts the child: `process.execPath` with the bootstrap, the function's env as the whole
 * environment (nothing of the host's, not even NODE_OPTIONS), a heap limit, fd 3 as the
 * message pipe, stderr piped for V8's fatal errors, its own process group (detached).
 */
function spawnChild(spec: InstanceSpec): ChildProcess {
  const execArgv = [`--max-old-space-size=${spec.memoryLimitMb}`];
  // From TypeScript source (tests run under `node --import tsx`), the child loads tsx's require hook.
  if (extname(BOOTSTRAP) === '.ts') execArgv.push('--require', require.resolve('tsx/cjs'));
  return spawn(process.execPath, [...execArgv, BOOTSTRAP], {
    env: spec.env,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    detached: true,
    windowsHide: true,
  });
}
