#!/usr/bin/env node
// npm run bench (issue 7): hubspot-functions against bare node:http, Express 5, Koa 3 and
// HubSpot's emulator, side by side in one run. See bench/README.md for the columns.
//   node bench/run.mjs [--quick]
//   BENCH_DURATION=3 BENCH_ROUNDS=3 BENCH_WARMUP=2 BENCH_LATENCY_DURATION=2 BENCH_RETRIES=2 BENCH_ONLY=<regex>
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, ROOT, FUNCTIONS, probeCli, serverCatalogue } from './lib/servers.mjs';
import { freePort, spawnPinned, waitForOk, request, processTreeMemory, treeCpuSeconds, stopAll, killAllNow, freezeTrees } from './lib/children.mjs';
import { runWrk } from './lib/wrk.mjs';
import { generateFolder } from './lib/generate-folder.mjs';
import { measureStartup } from './lib/startup.mjs';
import { measureWorkerMemory } from './lib/memory.mjs';
import { machineInfo, evaluateTargets, renderReport } from './lib/report.mjs';

const quick = process.argv.includes('--quick');
const envNum = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a whole number ≥ 1; got ${JSON.stringify(raw)}`);
  return n;
};
const config = {
  quick,
  duration: envNum('BENCH_DURATION', quick ? 1 : 3),
  rounds: envNum('BENCH_ROUNDS', quick ? 1 : 3),
  warmup: envNum('BENCH_WARMUP', quick ? 1 : 2),
  latencyDuration: envNum('BENCH_LATENCY_DURATION', quick ? 1 : 2),
  startupSamples: envNum('BENCH_STARTUP_SAMPLES', quick ? 1 : 5),
  startupEndpoints: envNum('BENCH_STARTUP_ENDPOINTS', 100),
  workers: envNum('BENCH_WORKERS', quick ? 4 : 10),
  retries: process.env.BENCH_RETRIES === '0' ? 0 : envNum('BENCH_RETRIES', 2),
  only: process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null,
  // A partial run (--quick, BENCH_ONLY) never overwrites the full run's committed results.
  out: path.join(BENCH_DIR, quick ? 'results-quick.md' : process.env.BENCH_ONLY ? 'results-only.md' : 'results.md'),
  serverCore: 0,
  loadCore: 1,
};
const BASELINES = new Set(['node-http', 'express', 'koa']);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

function log(message) {
  process.stdout.write(`${message}\n`);
}

function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function preflight() {
  for (const f of ['dist/src/index.js', 'dist/adapters/express.js', 'dist/adapters/koa.js']) {
    if (!existsSync(path.join(ROOT, f))) fail(`${f} is missing: run npm run build first.`);
  }
  for (const tool of [['wrk', '--version'], ['taskset', '--version']]) {
    const r = spawnSync(tool[0], [tool[1]], { stdio: 'ignore' });
    if (r.error) fail(`${tool[0]} not found: install it (Debian/Ubuntu: apt-get install -y ${tool[0] === 'wrk' ? 'wrk' : 'util-linux'}).`);
  }
  if (!existsSync(path.join(BENCH_DIR, 'node_modules', '@hubspot', 'serverless-dev-runtime'))) {
    // bench/ has its own package.json so the emulator and Express/Koa baselines stay out of the library's install.
    log('bench: installing bench/ dependencies (npm ci in bench/) …');
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH_DIR, stdio: 'inherit', timeout: 300_000 });
    if (r.status !== 0) fail('npm ci in bench/ failed: run `cd bench && npm install` and retry.');
  }
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  if (cores < 2) {
    log('bench: only one core: server and wrk share it (ratios still hold, absolute numbers halve).');
    config.loadCore = 0;
  }
}

/** Starts every server in the catalogue; returns the live ones and marks the others. */
async function startServers(catalogue, tmp, failures) {
  const servers = [];
  for (const server of catalogue) {
    if (config.only && !BASELINES.has(server.id) && !config.only.test(server.id)) continue;
    if (server.unavailable) {
      servers.push(server);
      continue;
    }
    const port = await freePort();
    const { args } = server.command(port);
    const logFile = path.join(tmp, `${server.id}.log`);
    const proc = spawnPinned(config.serverCore, process.execPath, args, {
      env: { TZ: 'UTC', NODE_ENV: 'production', ...server.env },
      logFile,
      stopSignal: server.stopSignal,
    });
    const base = `http://127.0.0.1:${port}`;
    const ok = await waitForOk(`${base}${FUNCTIONS[0].path}`, proc.exited, server.startTimeoutMs ?? 30_000);
    if (!ok) {
      await proc.stop();
      server.unavailable = `failed to start (see log: ${tail(logFile)})`;
      failures.push(`${server.label}: ${server.unavailable}`);
      servers.push(server);
      continue;
    }
    servers.push({ ...server, base, proc, logFile });
    log(`  started ${server.id} on ${base}`);
  }
  return servers;
}

function tail(file) {
  try {
    const text = spawnSync('tail', ['-c', '400', file], { encoding: 'utf8' }).stdout.trim();
    return text.replace(/\s+/g, ' ') || 'empty';
  } catch {
    return 'unreadable';
  }
}

/** Checks that every server answers every function 200 with the body bare node:http gives. */
async function checkBodies(servers) {
  const reference = servers.find((s) => s.id === 'node-http');
  const notes = new Map();
  for (const fn of FUNCTIONS) {
    const body = fn.method === 'POST' ? '{"name":"Ada","tags":["a","b"],"n":42}' : undefined;
    const expected = reference ? await request(`${reference.base}${fn.path}`, { method: fn.method, body }) : null;
    for (const s of servers.filter((x) => x.base)) {
      const got = await request(`${s.base}${fn.path}`, { method: fn.method, body, timeoutMs: 5000 });
      let note = null;
      if (got.status !== 200) note = `answered ${got.status}`;
      else if (expected) {
        try {
          if (!isDeepStrictEqual(JSON.parse(got.text), JSON.parse(expected.text))) note = `body differs: ${got.text.slice(0, 120)}`;
        } catch {
          note = `non-JSON body: ${got.text.slice(0, 80)}`;
        }
      }
      if (note) notes.set(`${s.id}/${fn.id}`, note);
    }
  }
  return notes;
}

function wrkOptions(server, fn, connections, seconds) {
  return {
    url: `${server.base}${fn.path}`,
    connections,
    seconds,
    core: config.loadCore,
    script: fn.method === 'POST' ? path.join(BENCH_DIR, 'post.lua') : undefined,
  };
}

async function loadAll(servers, failures) {
  const live = servers.filter((s) => s.base);
  const samples = new Map(); // `${server}/${fn}` → { c32: [], c1: null }
  const key = (s, fn) => `${s.id}/${fn.id}`;
  const record = (s, fn) => {
    if (!samples.has(key(s, fn))) samples.set(key(s, fn), { c32: [], byRound: [], c1: null, non2xx: 0, socketErrors: 0 });
    return samples.get(key(s, fn));
  };
  const once = async (s, fn, connections, seconds) => {
    // The server's CPU time over the run (its child processes included): well under one core at
    // 32 connections means something else on the machine took the server's core.
    const thaw = freezeTrees(live.filter((other) => other !== s).map((other) => other.proc.child.pid));
    try {
      const cpu0 = treeCpuSeconds(s.proc.child.pid);
      const t0 = process.hrtime.bigint();
      const result = await runWrk(wrkOptions(s, fn, connections, seconds));
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      return { ...result, cpuShare: (treeCpuSeconds(s.proc.child.pid) - cpu0) / wall };
    } finally {
      thaw();
    }
  };
  const attempt = async (s, fn, connections, seconds, retries = config.retries) => {
    try {
      let result = await once(s, fn, connections, seconds);
      // Neither the server nor wrk had its core: other work did. Retry (bounded) after a pause.
      for (let i = 0; connections > 1 && i < retries && result.cpuShare < 0.8 && !(result.loadCpuShare >= 0.8); i++) {
        log(`    ${s.id}/${fn.id}: server had ${Math.round(result.cpuShare * 100)}% of its core, wrk ${Math.round(result.loadCpuShare * 100)}%: busy machine, retrying`);
        await new Promise((r) => setTimeout(r, 2000));
        result = await once(s, fn, connections, seconds);
      }
      return result;
    } catch (e) {
      failures.push(`${s.label} / ${fn.id} (${connections} conn.): ${e.message}`);
      return null;
    }
  };

  log(`warm-up: ${config.warmup} s per server and function`);
  for (const fn of FUNCTIONS) for (const s of live) await attempt(s, fn, 32, config.warmup, 0);

  for (let round = 0; round < config.rounds; round++) {
    // Rotate the order each round so no server always runs right after the same neighbour.
    const order = live.map((_, i) => live[(i + round * Math.max(1, Math.floor(live.length / config.rounds))) % live.length]);
    if (round % 2 === 1) order.reverse();
    for (const fn of FUNCTIONS) {
      for (const s of order) {
        const r = await attempt(s, fn, 32, config.duration);
        if (!r) continue;
        const rec = record(s, fn);
        rec.c32.push(r);
        rec.byRound[round] = r.rps;
        rec.non2xx += r.non2xx;
        rec.socketErrors += r.socketErrors;
        log(`  round ${round + 1}/${config.rounds} ${fn.id.padEnd(5)} ${s.id.padEnd(28)} ${Math.round(r.rps).toString().padStart(7)} req/s  p99 ${r.p99.toFixed(2)} ms`);
      }
    }
  }

  log(`latency at 1 connection: ${config.latencyDuration} s per server and function`);
  for (const fn of FUNCTIONS) {
    for (const s of live) {
      const r = await attempt(s, fn, 1, config.latencyDuration);
      if (!r) continue;
      const rec = record(s, fn);
      rec.c1 = r;
      rec.non2xx += r.non2xx;
      rec.socketErrors += r.socketErrors;
    }
  }
  return samples;
}

function buildRows(servers, samples, bodyNotes) {
  const rows = [];
  for (const server of servers) {
    for (const fn of FUNCTIONS) {
      if (!server.base) {
        rows.push({ server, fn, unavailable: server.unavailable });
        continue;
      }
      const rec = samples.get(`${server.id}/${fn.id}`) ?? { c32: [], byRound: [], c1: null, non2xx: 0, socketErrors: 0 };
      const notes = [];
      if (bodyNotes.has(`${server.id}/${fn.id}`)) notes.push(bodyNotes.get(`${server.id}/${fn.id}`));
      if (rec.non2xx) notes.push(`${rec.non2xx} non-2xx`);
      if (rec.socketErrors) notes.push(`${rec.socketErrors} socket errors`);
      if (server.kind === 'emulator') notes.push('callback twin');
      const cpuShare = median(rec.c32.map((r) => r.cpuShare));
      const loadShare = median(rec.c32.map((r) => r.loadCpuShare));
      if (cpuShare < 0.8 && loadShare >= 0.8) notes.push(`wrk-bound (wrk ${Math.round(loadShare * 100)}% of its core)`);
      else if (cpuShare < 0.8) notes.push(`server had ${Math.round(cpuShare * 100)}% of a core: busy machine`);
      if (server.isolation === 'worker' && server.workersLive === false) notes.push('no worker threads seen: ran inline');
      if (server.isolation === 'process' && server.workersLive === false) notes.push('no child processes seen: ran inline');
      rows.push({
        server, fn, notes,
        rps: median(rec.c32.map((r) => r.rps)),
        rpsByRound: rec.byRound,
        cpuShare,
        p50c: median(rec.c32.map((r) => r.p50)),
        p99c: median(rec.c32.map((r) => r.p99)),
        p50one: rec.c1?.p50 ?? NaN,
        p99one: rec.c1?.p99 ?? NaN,
        rssKiB: server.memory?.rssKiB ?? NaN,
      });
    }
  }
  return rows;
}

let tmp = null;
function removeTmp() {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

async function main() {
  preflight();
  const started = Date.now();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hsf-bench-'));
  const failures = [];
  const results = { date: new Date().toISOString(), machine: machineInfo(), config, functions: FUNCTIONS, failures, startupEndpoints: config.startupEndpoints };
  const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  results.loadBefore = loadavg();
  try {
    const cli = probeCli();
    const catalogue = serverCatalogue({ cli });
    const rowsPlanned = catalogue.filter((s) => !s.unavailable && (!config.only || BASELINES.has(s.id) || config.only.test(s.id))).length * FUNCTIONS.length;
    const estimate = rowsPlanned * (config.warmup + config.rounds * config.duration + config.latencyDuration) + 60;
    log(`bench: ${rowsPlanned} rows, about ${Math.ceil(estimate / 60)} min; logs in ${tmp}`);
    if (!cli.available) log(`bench: serve rows: ${cli.reason}`);

    const servers = await startServers(catalogue, tmp, failures);
    const bodyNotes = await checkBodies(servers);
    const samples = await loadAll(servers, failures);
    for (const s of servers.filter((x) => x.base)) {
      s.memory = processTreeMemory(s.proc.child.pid);
    }
    // Worker isolation is live when a worker server runs more threads than its inline twin;
    // process isolation when it runs more processes.
    for (const s of servers.filter((x) => x.base && (x.isolation === 'worker' || x.isolation === 'process'))) {
      const twin = servers.find((x) => x.base && x.id === s.id.replace(`-${s.isolation}-`, '-inline-'));
      if (twin) s.workersLive = s.isolation === 'worker' ? s.memory.threads > twin.memory.threads : s.memory.processes > twin.memory.processes;
    }
    results.loadAfterLoad = loadavg();
    await stopAll();

    if (!config.only || config.only.test('startup')) {
      log(`start-up: ${config.startupEndpoints} endpoints, ${config.startupSamples} sample(s) per isolation`);
      results.startup = await measureStartup({ dir: generateFolder(tmp, config.startupEndpoints), samples: config.startupSamples, core: config.serverCore });
      log(`memory: ${config.workers} warm workers vs inline`);
      const memory = await measureWorkerMemory({ dir: generateFolder(tmp, config.workers), count: config.workers, core: config.serverCore });
      memory.workersLive = Boolean(memory.worker && memory.inline && memory.worker.threads >= memory.inline.threads + memory.count);
      memory.processesLive = Boolean(memory.process && memory.inline && memory.process.processes >= memory.inline.processes + memory.count);
      results.memory = memory;
    }

    results.rows = buildRows(servers, samples, bodyNotes);
    results.targets = evaluateTargets(results);
    const report = renderReport(results);
    writeFileSync(config.out, `${report}\n`);
    // The raw numbers beside the report, so a table can be re-derived without another run.
    try {
      const seen = new WeakSet();
      const plain = (_key, v) => {
        if (typeof v === 'function') return undefined;
        if (v && typeof v === 'object') {
          if (seen.has(v) || (v.constructor && ![Object, Array].includes(v.constructor))) return undefined;
          seen.add(v);
        }
        return v;
      };
      writeFileSync(config.out.replace(/\.md$/, '.json'), `${JSON.stringify(results, plain, 1)}\n`);
    } catch (e) {
      log(`bench: could not write the raw results: ${e.message}`);
    }
    log(`\n${report}`);
    log(`bench: written to ${path.relative(process.cwd(), config.out) || config.out} in ${Math.round((Date.now() - started) / 1000)} s`);
    const missed = results.targets.filter((t) => t.verdict.includes('missed') && t.server);
    if (missed.length) {
      log('bench: to profile a missed target: node bench/profile.mjs <server-id> [function]');
      const commands = new Set(missed.map((t) => `  node bench/profile.mjs ${t.server} ${t.worst?.fn ?? 'hello'}`));
      for (const c of commands) log(c);
    }
  } finally {
    await stopAll();
    removeTmp();
  }
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`\nbench: ${signal}: stopping every child`);
    stopAll().finally(() => {
      removeTmp();
      process.exit(130);
    });
  });
}

main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
