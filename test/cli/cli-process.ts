// Spawns the CLI from source (`node --import tsx src/cli/main.ts`) with the repository as cwd,
// as the built `bin/hubspot-functions.js` would run it; every child is bounded by a timeout.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'src', 'cli', 'main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (killed after `timeoutMs`). */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; bin?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const argv = options.bin ? [options.bin, ...args] : ['--import', 'tsx', CLI, ...args];
    const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, NO_COLOR: '', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hubspot-functions ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    // 'close', not 'exit': stdout and stderr are fully read by then.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A child that exits before reading stdin (Node's own --env-file check) must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export interface ServeProcess {
  url: string;
  /** stdout and stderr so far. */
  output(): string;
  stdout(): string;
  /** Resolves once `pattern` appears in the output (bounded by `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends SIGTERM (SIGKILL after 10 s) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `serve` with `--port 0` and resolves once it prints the line that says it is serving. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stdout = '';
    const waiters = new Set<() => void>();
    const onData = (chunk: Buffer, isStdout: boolean): void => {
      out += chunk.toString();
      if (isStdout) stdout += chunk.toString();
      for (const check of waiters) check();
    };
    child.stdout.on('data', (c: Buffer) => onData(c, true));
    child.stderr.on('data', (c: Buffer) => onData(c, false));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(startTimer);
      reject(new Error(`serve exited with ${code} before serving:\n${out}`));
    });
    const started = (): void => {
      const m = /serving \d+ function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) return;
      waiters.delete(started);
      clearTimeout(startTimer);
      resolve({
        url: m[1]!,
        output: () => out,
        stdout: () => stdout,
        waitFor: (pattern, wait = 10_000) =>
          new Promise((ok, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`${pattern} did not appear within ${wait} ms:\n${out}`));
            }, wait);
            const check = (): void => {
              if (!pattern.test(out)) return;
              clearTimeout(timer);
              waiters.delete(check);
              ok();
            };
            waiters.add(check);
            check();
          }),
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode !== null) return Promise.resolve(child.exitCode);
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.kill(signal);
          return exited.finally(() => clearTimeout(kill));
        },
      });
    };
    waiters.add(started);
  });
}
