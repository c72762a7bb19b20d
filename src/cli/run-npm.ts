// Runs npm for `install` (issue #11): its output is kept line by line (for the progress line and,
// on a failure, for npm's own error), never printed as it comes.
import { spawn } from 'node:child_process';

/** How npm ended, and what it printed (at most the last 200 lines). */
export interface NpmResult {
  code: number;
  output: string[];
}

/**
 * Runs `npm <args>` in `cwd` with `env`; resolves (never rejects) when npm exits.
 * @param onLine receives each non-empty output line as it arrives
 */
export function runNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, onLine: (line: string) => void = () => undefined): Promise<NpmResult> {
  return new Promise((resolve) => {
    const output: string[] = [];
    const child = spawn('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const take = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) keep(line);
    };
    const keep = (line: string): void => {
      if (line.trim() === '') return;
      output.push(line);
      if (output.length > 200) output.shift();
      onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', (error) => {
      output.push(`cannot run npm: ${error.message}. Is npm on the PATH?`);
      resolve({ code: 127, output });
    });
    child.once('close', (code) => {
      keep(partial);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** npm's own error lines (`npm error …` / `npm ERR! …`), else the end of its output. */
export function npmErrorLines(output: readonly string[], max = 15): string[] {
  const errors = output.filter((l) => /^npm (error|ERR!)/.test(l));
  return (errors.length > 0 ? errors : output).slice(-max);
}
