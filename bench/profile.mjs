#!/usr/bin/env node
// Profiles one benchmark server under load: starts it with `--cpu-prof` pinned to core 0, warms
// it up, loads it with wrk on core 1, stops it (the profile is written at exit), and prints the
// top frames by self time (file:function:line, %), and self time per file.
//   node bench/profile.mjs <server-id> [hello|echo|env] [--top 25]
// Server ids: see the table in bench/README.md (e.g. ours-express-inline-default, express).
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, ROOT, FUNCTIONS, probeCli, serverCatalogue } from './lib/servers.mjs';
import { freePort, spawnPinned, waitForOk, stopAll, killAllNow } from './lib/children.mjs';
import { runWrk } from './lib/wrk.mjs';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex === -1 ? 25 : Number(args.splice(topIndex, 2)[1]);
const [serverId, fnId = 'hello'] = args;
const seconds = Number(process.env.BENCH_DURATION ?? 5);

function fail(message) {
  console.error(`profile: ${message}`);
  process.exit(1);
}

/** Self time per frame and per file from a .cpuprofile, as sorted [label, %] lists. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const fileOf = (url) => (url ? url.replace('file://', '').replace(`${ROOT}/`, '') : '');
  // The nearest caller outside Node's own modules (at most 12 levels up), else the direct caller.
  const userCaller = (id) => {
    for (let at = id, i = 0; at !== undefined && i < 12; at = parentOf.get(at), i++) {
      const { url } = byId.get(at).callFrame;
      if (url && !url.startsWith('node:')) return at;
    }
    return id;
  };
  const frameLabel = (id) => {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const file = fileOf(url);
    return file ? `${file}:${functionName || '(anonymous)'}:${lineNumber + 1}` : functionName;
  };
  const self = new Map();
  const total = profile.samples.length;
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1);
  const frames = new Map();
  const files = new Map();
  let idle = 0;
  for (const [id, count] of self) {
    const { functionName, url } = byId.get(id).callFrame;
    if (functionName === '(idle)') idle += count;
    const file = fileOf(url);
    // A native frame (no file) is named with its JS caller, which is what one can change.
    const parent = parentOf.get(id);
    const native = !file && !functionName.startsWith('(') && parent !== undefined;
    const label = native ? `${functionName} ← ${frameLabel(userCaller(parent))}` : frameLabel(id);
    frames.set(label, (frames.get(label) ?? 0) + count);
    const fileLabel = file || functionName;
    files.set(fileLabel, (files.get(fileLabel) ?? 0) + count);
  }
  // Percentages of the busy samples: idle time (waiting for wrk, or for a core on a busy machine) is left out.
  const busy = Math.max(1, total - idle);
  frames.delete('(idle)');
  files.delete('(idle)');
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, (100 * v) / busy]);
  return { total, idlePct: (100 * idle) / total, frames: sorted(frames), files: sorted(files) };
}

async function main() {
  if (!existsSync(path.join(ROOT, 'dist', 'adapters', 'express.js'))) fail('dist/ is missing: run npm run build first.');
  const catalogue = serverCatalogue({ cli: probeCli() });
  const server = catalogue.find((s) => s.id === serverId);
  const fn = FUNCTIONS.find((f) => f.id === fnId);
  if (!server || !fn) fail(`usage: node bench/profile.mjs <${catalogue.map((s) => s.id).join('|')}> [${FUNCTIONS.map((f) => f.id).join('|')}]`);
  if (server.unavailable) fail(`${server.id}: ${server.unavailable}`);

  const dir = path.join(BENCH_DIR, 'profiles', `${server.id}-${fn.id}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const { args: nodeArgs } = server.command(port);
  const proc = spawnPinned(0, process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...nodeArgs], {
    env: { TZ: 'UTC', NODE_ENV: 'production', ...server.env },
    logFile: path.join(dir, 'server.log'),
    stopSignal: server.stopSignal,
  });
  const base = `http://127.0.0.1:${port}`;
  if (!(await waitForOk(`${base}${FUNCTIONS[0].path}`, proc.exited, server.startTimeoutMs ?? 30_000))) fail(`${server.id} did not start (see ${dir}/server.log)`);
  const load = (s) => runWrk({
    url: `${base}${fn.path}`, connections: 32, seconds: s, core: 1,
    script: fn.method === 'POST' ? path.join(BENCH_DIR, 'post.lua') : undefined,
  });
  await load(2);
  const result = await load(seconds);
  await proc.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) fail(`no profile written in ${dir}`);
  const summary = summarize(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  console.log(`# ${server.label} / ${fn.id}: ${Math.round(result.rps)} req/s under the profiler; ${summary.total} samples, idle ${summary.idlePct.toFixed(1)}% (left out: self % is of the busy samples)`);
  console.log(`profile: ${path.relative(process.cwd(), path.join(dir, file))}\n`);
  console.log('| self % | frame (file:function:line) |\n|---:|---|');
  for (const [label, pct] of summary.frames.slice(0, top)) console.log(`| ${pct.toFixed(1)} | ${label} |`);
  console.log('\n| self % | file |\n|---:|---|');
  for (const [label, pct] of summary.files.slice(0, 15)) console.log(`| ${pct.toFixed(1)} | ${label} |`);
}

process.on('exit', killAllNow);
process.on('SIGINT', () => stopAll().finally(() => process.exit(130)));
main().catch(async (e) => {
  console.error(e);
  await stopAll();
  process.exit(1);
});
