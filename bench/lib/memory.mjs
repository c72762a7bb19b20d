// RSS per idle warm worker: our Express adapter on a generated folder of N `hello` copies, once in
// worker isolation (after one request per endpoint: N warm workers) and once inline (0 workers);
// (RSS_worker − RSS_inline) / N, both read from /proc/<pid>/status after a full GC and a pause.
// The same per idle child process under process isolation, by RSS and by Pss (a child's RSS
// counts Node's shared code again; Pss shares it out).
import path from 'node:path';
import { BENCH_DIR } from './servers.mjs';
import { freePort, spawnPinned, waitForOk, request, processTreeMemory } from './children.mjs';
import { generatedPath } from './generate-folder.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function settledMemory(isolation, dir, count, core) {
  const port = await freePort();
  const script = path.join(BENCH_DIR, 'servers', 'ours-express.cjs');
  const proc = spawnPinned(core, process.execPath, ['--expose-gc', script, String(port), dir, isolation, 'off'], { env: { TZ: 'UTC' } });
  try {
    const base = `http://127.0.0.1:${port}`;
    if (!(await waitForOk(`${base}${generatedPath(0)}`, proc.exited, 30_000))) return null;
    let ok = 0;
    for (let i = 0; i < count; i++) if ((await request(`${base}${generatedPath(i)}`, { timeoutMs: 10_000 })).status === 200) ok++;
    await sleep(1000);
    proc.child.kill('SIGUSR2');
    await sleep(500);
    return { ok, ...processTreeMemory(proc.child.pid) };
  } finally {
    await proc.stop();
  }
}

/** Measures inline vs worker vs process on `dir` (with `count` endpoints); null fields when a start failed. */
export async function measureWorkerMemory({ dir, count, core }) {
  const inline = await settledMemory('inline', dir, count, core);
  const worker = await settledMemory('worker', dir, count, core);
  const child = await settledMemory('process', dir, count, core);
  const perWorkerMiB = inline && worker ? (worker.rssKiB - inline.rssKiB) / count / 1024 : NaN;
  const perProcessMiB = inline && child ? (child.rssKiB - inline.rssKiB) / count / 1024 : NaN;
  const perProcessPssMiB = inline && child ? (child.pssKiB - inline.pssKiB) / count / 1024 : NaN;
  return { count, inline, worker, process: child, perWorkerMiB, perProcessMiB, perProcessPssMiB };
}
