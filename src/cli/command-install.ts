// `hubspot-functions install [paths...]` (issue #6): `npm install` in every functions folder
// that has a package.json (HubSpot bundled each folder's dependencies; here they are installed
// per folder, SPEC R42), one folder at a time, with progress and npm's output condensed to its
// last line; a failing folder is reported with the end of its output and the others go on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDefinitions } from '../config/load-definitions';
import { normalizeOptions } from '../options';
import { writeLine, type CliIo } from './cli-io';
import { paint } from './paint';
import { reportHostError } from './report-host-error';

/** How many lines of npm's output a failure shows. */
const FAILURE_TAIL = 15;

/** The folders to install: each function's folder and its file's folder, where a package.json is. */
export function findInstallFolders(paths: readonly string[], cwd: string): string[] {
  const resolved = normalizeOptions({ onWarning: () => undefined });
  const { definitions } = loadDefinitions([...paths], { prefix: resolved.prefix, duplicateRoutes: 'last-wins', cwd });
  const folders = new Set<string>();
  for (const d of definitions) {
    for (const dir of [d.folder, dirname(d.file)]) if (existsSync(join(dir, 'package.json'))) folders.add(dir);
  }
  return [...folders].sort();
}

function runNpm(folder: string, io: CliIo, onLine: (line: string) => void): Promise<{ code: number; output: string[] }> {
  return new Promise((resolve) => {
    const output: string[] = [];
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier'], { cwd: folder, env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const take = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        output.push(line);
        if (output.length > 200) output.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', (error) => {
      output.push(`cannot run npm: ${error.message}. Is npm on the PATH?`);
      resolve({ code: 127, output });
    });
    child.once('close', (code) => {
      if (partial.trim() !== '') output.push(partial);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** Runs `install`; exit 0 when every folder installed, 1 when one failed, 2 for configuration errors. */
export async function runInstall(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  let folders: string[];
  try {
    folders = findInstallFolders(positionals.length > 0 ? positionals : ['.'], io.cwd);
  } catch (error) {
    return reportHostError(error, io);
  }
  const c = io.color;
  if (folders.length === 0) {
    writeLine(io.stdout, 'No functions folder here has a package.json: nothing to install.');
    return 0;
  }
  const failed: string[] = [];
  for (const [i, folder] of folders.entries()) {
    const label = `[${i + 1}/${folders.length}] ${relative(io.cwd, folder) || '.'}`;
    writeLine(io.stdout, `${label}: npm install`);
    const started = Date.now();
    const result = await runNpm(folder, io, (line) => {
      // On a terminal, npm's latest line replaces the previous one; in a log it would be noise.
      if (c) io.stdout.write(`\r\u001b[2K  ${paint(true, 'dim', line.slice(0, 100))}`);
    });
    if (c) io.stdout.write('\r\u001b[2K');
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.code === 0) {
      const summary = result.output.filter((l) => /^(added|removed|changed|up to date)/.test(l)).pop() ?? 'done';
      writeLine(io.stdout, `${label}: ${paint(c, 'green', 'ok')} (${summary.replace(/ in [\d.]+m?s$/, '')}, ${seconds}s)`);
    } else {
      failed.push(folder);
      writeLine(io.stdout, `${label}: ${paint(c, 'red', `failed (npm exited with ${result.code})`)}`);
      for (const line of result.output.slice(-FAILURE_TAIL)) writeLine(io.stdout, `    ${line}`);
    }
  }
  if (failed.length > 0) {
    writeLine(io.stdout, paint(c, 'red', `${failed.length} of ${folders.length} folder(s) failed: ${failed.map((f) => relative(io.cwd, f) || '.').join(', ')}`));
    return 1;
  }
  writeLine(io.stdout, paint(c, 'green', `installed ${folders.length} folder(s)`));
  return 0;
}
