// Starts a Node server script as a child process and waits for the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedServer {
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Spawns `node <script>`, resolves with the first http://127.0.0.1:<port> it prints. */
export function spawnServer(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<SpawnedServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} printed no URL within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m && Number(m[1]) > 0) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          output: () => out,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
              child.once('exit', (code) => {
                clearTimeout(kill);
                done(code);
              });
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before printing a URL:\n${out}`));
    });
  });
}
