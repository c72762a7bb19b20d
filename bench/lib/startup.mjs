// Start-up time to the first 200 for a folder of N endpoints, our Express adapter, inline, worker
// and process: each sample is a fresh process (servers/startup-express.cjs) pinned to the server
// core.
import path from 'node:path';
import { spawn } from 'node:child_process';
import { BENCH_DIR } from './servers.mjs';
import { generatedPath } from './generate-folder.mjs';

function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
}

function sampleOnce(dir, isolation, core) {
  return new Promise((resolve) => {
    const script = path.join(BENCH_DIR, 'servers', 'startup-express.cjs');
    const child = spawn('taskset', ['-c', String(core), process.execPath, script, dir, isolation, generatedPath(0)], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, TZ: 'UTC' },
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    // Bounded: the child gives up after 60 s itself; this is the backstop.
    const timer = setTimeout(() => child.kill('SIGKILL'), 70_000);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve(null);
      }
    });
  });
}

/**
 * Medians over `samples` fresh processes for each isolation.
 * @returns {Promise<Array<{ isolation, samples, ok, requireMs, mountMs, firstOkMs, readyMs }>>}
 */
export async function measureStartup({ dir, samples, core }) {
  const rows = [];
  for (const isolation of ['inline', 'worker', 'process']) {
    const runs = [];
    for (let i = 0; i < samples; i++) runs.push(await sampleOnce(dir, isolation, core));
    const good = runs.filter((r) => r && r.status === 200);
    rows.push({
      isolation,
      samples: runs.length,
      ok: good.length,
      requireMs: median(good.map((r) => r.requireMs)),
      mountMs: median(good.map((r) => r.mountMs)),
      firstOkMs: median(good.map((r) => r.firstOkMs)),
      readyMs: median(good.map((r) => r.readyMs)),
    });
  }
  return rows;
}
