// Starts and stops a real redis-server for the Redis budget store tests (issue 4): no mock client.
// Each server listens on a free 127.0.0.1 port, keeps nothing on disk and lives in a temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The server binary: `REDIS_SERVER` from the environment, else where Debian's package puts it. */
export const REDIS_SERVER_PATH = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** The skip message when the server is missing (printed by node:test as the skip reason). */
export const REDIS_MISSING_MESSAGE = 'redis-server not found: install it with: sudo apt-get install redis-server';

/** A running redis-server. */
export interface RunningRedis {
  port: number;
  url: string;
  /** Shuts it down (SIGTERM) and removes its temp dir. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

/**
 * The skip reason for Redis tests: the install hint when the server is missing locally. Under
 * CI=true it is never skipped, so startRedis() throws and the test fails.
 */
export function redisSkipReason(): string | undefined {
  if (existsSync(REDIS_SERVER_PATH) || process.env.CI === 'true') return undefined;
  return REDIS_MISSING_MESSAGE;
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts redis-server on `port` (default: a free one) and resolves once it accepts connections. */
export async function startRedis(options: { port?: number } = {}): Promise<RunningRedis> {
  if (!existsSync(REDIS_SERVER_PATH)) throw new Error(REDIS_MISSING_MESSAGE);
  const port = options.port ?? (await findFreePort());
  const dir = mkdtempSync(join(tmpdir(), 'hsf-redis-'));
  const child = spawn(
    REDIS_SERVER_PATH,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await waitForExit(child, 5_000);
      cleanup();
    },
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
      cleanup();
    },
  };
}
