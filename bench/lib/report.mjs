// The markdown report: machine, method, one row per server/function, start-up, memory, and the
// issue 7 targets each marked met / missed from the measured numbers.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const f0 = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const ms = (n) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');
const mib = (kib) => (Number.isFinite(kib) && kib > 0 ? (kib / 1024).toFixed(1) : '–');

/** nproc, CPU model, Node version, OS. */
export function machineInfo() {
  let nproc = os.availableParallelism?.() ?? os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {}
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  let wrk = 'wrk';
  try {
    execFileSync('wrk', ['--version'], { encoding: 'utf8' });
  } catch (e) {
    wrk = `${e.stdout ?? ''}`.split('\n')[0].trim() || 'wrk';
  }
  return { nproc, cpu, node: process.version, os: `${os.type()} ${os.release()}`, wrk, memGiB: (os.totalmem() / 2 ** 30).toFixed(1) };
}

/** Ratio a/b, NaN when either is missing. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN;
}

function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * req/s of row `a` over row `b`: the median over the rounds of the ratio within each round (both
 * measured minutes apart at most), which a machine whose load changes between rounds skews least.
 */
export function throughputRatio(a, b) {
  if (!a || !b || a.unavailable || b.unavailable) return NaN;
  const perRound = (a.rpsByRound ?? []).map((v, i) => ratio(v, b.rpsByRound?.[i]));
  const m = median(perRound);
  return Number.isFinite(m) ? m : ratio(a.rps, b.rps);
}

function rowFor(results, serverId, fnId) {
  return results.rows.find((r) => r.server.id === serverId && r.fn.id === fnId);
}

/** The worst (smallest) ratio of `serverId` to `baseId` over the functions, and which. */
function worstRatio(results, serverId, baseId) {
  let worst = { value: NaN, fn: null, all: [] };
  for (const fn of results.functions) {
    const a = rowFor(results, serverId, fn.id);
    const b = rowFor(results, baseId, fn.id);
    const value = throughputRatio(a, b);
    worst.all.push(`${fn.id} ${f2(value)}×`);
    if (Number.isFinite(value) && !(value >= worst.value)) worst = { ...worst, value, fn: fn.id };
  }
  return worst;
}

function verdict(value, ok) {
  if (!Number.isFinite(value)) return 'not measured';
  return ok(value) ? '**met**' : '**missed**';
}

/** The targets of issues 7 and 14, judged on the default-log rows (what a user gets), onLog: false beside. */
export function evaluateTargets(results) {
  const t = [];
  const ratioTarget = (name, ours, base, min) => {
    const d = worstRatio(results, `${ours}-default`, base);
    const q = worstRatio(results, `${ours}-off`, base);
    t.push({ name, measured: `${d.all.join(', ')} (default log); ${q.all.join(', ')} (onLog: false)`, verdict: verdict(d.value, (v) => v >= min), worst: d, server: `${ours}-default` });
  };
  ratioTarget('Express adapter (inline) ≥ 0.95× bare Express', 'ours-express-inline', 'express', 0.95);
  ratioTarget('Koa adapter (inline) ≥ 0.90× bare Koa', 'ours-koa-inline', 'koa', 0.90);
  ratioTarget('standalone `serve` (inline) ≥ 0.50× bare node:http', 'serve-inline', 'node-http', 0.50);
  ratioTarget('standalone `serve` (inline) ≥ 5× HubSpot\'s emulator', 'serve-inline', 'emulator', 5);
  // Issue 14: process isolation, one child process per function instance.
  ratioTarget('process isolation (Express adapter) ≥ 0.50× bare Express', 'ours-express-process', 'express', 0.50);
  ratioTarget('process isolation (`serve`) ≥ 0.20× bare node:http', 'serve-process', 'node-http', 0.20);
  {
    const d = worstRatio(results, 'ours-express-worker-default', 'express');
    const p = results.functions.map((fn) => {
      const a = rowFor(results, 'ours-express-worker-default', fn.id);
      const b = rowFor(results, 'express', fn.id);
      return { fn: fn.id, value: a && b ? ratio(a.p99c, b.p99c) : NaN };
    });
    const worstP99 = p.reduce((w, x) => (Number.isFinite(x.value) && !(x.value <= w.value) ? x : w), { value: NaN });
    const ok = Number.isFinite(d.value) && Number.isFinite(worstP99.value);
    const live = results.memory?.workersLive;
    t.push({
      name: 'worker isolation (Express adapter) ≥ 0.70× bare Express, p99 ≤ 2× bare Express (32 conn.)',
      measured: `req/s ${d.all.join(', ')}; p99 ${p.map((x) => `${x.fn} ${f2(x.value)}×`).join(', ')}${live === false ? ' — NB: worker isolation not active in this build (no worker threads seen): these are inline numbers' : ''}`,
      verdict: ok ? (d.value >= 0.7 && worstP99.value <= 2 ? '**met**' : '**missed**') : 'not measured',
      worst: d, server: 'ours-express-worker-default',
    });
  }
  for (const s of results.startup ?? []) {
    t.push({
      name: `mount of ${results.startupEndpoints} endpoints ≤ 150 ms (${s.isolation}: mount + first 200)`,
      measured: `${ms(s.firstOkMs)} ms (mount ${ms(s.mountMs)} ms, all loaded ${ms(s.readyMs)} ms; ${s.ok}/${s.samples} samples)`,
      verdict: verdict(s.firstOkMs, (v) => v <= 150),
    });
  }
  const m = results.memory;
  t.push({
    name: 'an idle warm worker ≤ 10 MiB',
    measured: m ? `${f2(m.perWorkerMiB)} MiB per worker (${m.count} workers; threads ${m.worker?.threads ?? '–'} vs ${m.inline?.threads ?? '–'} inline)${m.workersLive ? '' : ' — NB: no worker threads seen: worker isolation not active in this build'}` : '–',
    verdict: m && m.workersLive ? verdict(m.perWorkerMiB, (v) => v <= 10) : 'not measured',
  });
  return t;
}

/**
 * Issue 12's table: the candidate with `onLog: false` over its bare baseline, `hello` and `echo`,
 * each judged on its own (the worse of the two decides the verdict).
 */
export function evaluateRequestPathGoals(results) {
  const goals = [
    ['Express adapter, inline / bare Express 5', 'ours-express-inline-off', 'express', 0.95],
    ['Koa adapter, inline / bare Koa 3 + @koa/router', 'ours-koa-inline-off', 'koa', 0.90],
    ['`createRequestListener` (what `serve` runs), inline / bare node:http', 'serve-inline-off', 'node-http', 0.50],
    ['Express adapter, worker / bare Express 5', 'ours-express-worker-off', 'express', 0.70],
    ['`createRequestListener`, worker / bare node:http', 'serve-worker-off', 'node-http', 0.30],
  ];
  return goals.map(([name, ours, base, min]) => {
    const [hello, echo] = ['hello', 'echo'].map((fn) => throughputRatio(rowFor(results, ours, fn), rowFor(results, base, fn)));
    return { name, hello, echo, min, verdict: verdict(Math.min(hello, echo), (v) => v >= min) };
  });
}

/** The whole markdown document. */
export function renderReport(results) {
  const { machine, config } = results;
  const lines = [];
  lines.push(`# hubspot-functions benchmark${config.quick ? ' (quick smoke run: numbers are not meaningful)' : ''}`, '');
  lines.push(`- Date: ${results.date}`);
  lines.push(`- Machine: ${machine.nproc} cores (\`nproc\`), ${machine.cpu}, ${machine.memGiB} GiB, ${machine.os}`);
  lines.push(`- Node ${machine.node}; load generator: ${machine.wrk}`);
  lines.push(`- Method: each server in its own child process pinned to core ${config.serverCore} (\`taskset\`), \`wrk -t1\` pinned to core ${config.loadCore}; all on 127.0.0.1. While one server is under load every other server is frozen (SIGSTOP of its process tree, SIGCONT after), so idle neighbours' timers do not share its core.` +
    ` Warm-up ${config.warmup} s per server and function, then ${config.rounds} round(s) of ${config.duration} s at 32 connections with the server order rotated each round; medians of the rounds.` +
    ` Latency at 1 connection: one ${config.latencyDuration} s run per row after the rounds. RSS: VmRSS of the server process (and any children) after its load.`);
  lines.push(`- Machine load (\`/proc/loadavg\`, 1/5/15 min): ${results.loadBefore} before, ${results.loadAfterLoad ?? '–'} after the load phase. With server + wrk alone it is about 2; much more means other work shared the cores and the absolute numbers (and to a lesser degree the ratios) are off. "server CPU" below shows how much of its core a server got.`);
  lines.push(`- Ratios: the median over the rounds of the per-round ratio (same-round measurements).`);
  lines.push(`- Log sink: the "default log" rows write HubSpot-format lines to stderr, which is redirected to a file per server (not a terminal); "onLog: false" turns the sink off.`);
  lines.push(`- Fixture: \`bench/fixtures/bench.functions\` (async functions). HubSpot's emulator cannot answer async-style functions (it ignores the returned value), so it serves \`bench/fixtures/emulator.functions\`: callback twins with the same bodies.`);
  lines.push('');
  lines.push('| server | function | req/s | × node:http | × Express | p50 @32 (ms) | p99 @32 (ms) | p50 @1 (ms) | p99 @1 (ms) | server CPU | RSS after load (MiB) | notes |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results.rows) {
    if (r.unavailable) {
      lines.push(`| ${r.server.label} | ${r.fn.id} | ${r.unavailable} | | | | | | | | | |`);
      continue;
    }
    const nh = rowFor(results, 'node-http', r.fn.id);
    const ex = rowFor(results, 'express', r.fn.id);
    lines.push(`| ${r.server.label} | ${r.fn.id} | ${f0(r.rps)} | ${f2(throughputRatio(r, nh))} | ${f2(throughputRatio(r, ex))} | ${ms(r.p50c)} | ${ms(r.p99c)} | ${ms(r.p50one)} | ${ms(r.p99one)} | ${Number.isFinite(r.cpuShare) ? `${Math.round(r.cpuShare * 100)}%` : '–'} | ${mib(r.rssKiB)} | ${r.notes.join('; ')} |`);
  }
  lines.push('');
  if (results.startup) {
    lines.push(`## Start-up: ${results.startupEndpoints} endpoints, our Express adapter`, '');
    lines.push(`Generated folder: ${results.startupEndpoints} copies of \`hello.js\`, one file each. Each sample is a fresh process; medians of ${config.startupSamples}. "first 200" = from just before \`hubspotFunctions(dir)\` to the first 200 on \`/_hcms/api/fn-000\` (listen and request included).`, '');
    lines.push('| isolation | require (ms) | mount (ms) | first 200 (ms) | all modules loaded (ms) | samples ok |');
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const s of results.startup) lines.push(`| ${s.isolation} | ${ms(s.requireMs)} | ${ms(s.mountMs)} | ${ms(s.firstOkMs)} | ${ms(s.readyMs)} | ${s.ok}/${s.samples} |`);
    lines.push('');
  }
  if (results.memory) {
    const m = results.memory;
    lines.push('## Memory per idle warm worker and child process', '');
    lines.push(`Fixture: a generated folder of ${m.count} copies of \`hello.js\` on our Express adapter (\`onLog: false\`); one request to each endpoint, 1 s idle, full GC, then VmRSS and Pss (summed over the server and its children). Per worker = (RSS worker isolation − RSS inline) / ${m.count}; per child process the same with process isolation.`, "");
    lines.push('| isolation | RSS (MiB) | Pss (MiB) | threads | processes | endpoints answered |');
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const [k, v] of [['inline (0 workers)', m.inline], [`worker (${m.count} warm)`, m.worker], [`process (${m.count} warm children)`, m.process]]) {
      lines.push(`| ${k} | ${mib(v?.rssKiB)} | ${mib(v?.pssKiB)} | ${v?.threads ?? '–'} | ${v?.processes ?? '–'} | ${v ? `${v.ok}/${m.count}` : 'failed to start'} |`);
    }
    lines.push('', `Per idle warm worker: **${f2(m.perWorkerMiB)} MiB**${m.workersLive ? '' : ' (no worker threads seen: worker isolation is not active in this build, so this is noise)'}.`);
    lines.push(`Per idle warm child process: **${f2(m.perProcessMiB)} MiB** RSS, **${f2(m.perProcessPssMiB)} MiB** Pss${m.processesLive ? '' : ' (no child processes seen: process isolation is not active in this build, so this is noise)'}.`, '');
  }
  lines.push('## The request path (issue 12)', '');
  lines.push('The candidate with `onLog: false`; ratios against the bare server in the same rounds.', '');
  lines.push('| path | hello | echo | goal | verdict |');
  lines.push('|---|---:|---:|---:|---|');
  for (const g of evaluateRequestPathGoals(results)) lines.push(`| ${g.name} | ${f2(g.hello)}× | ${f2(g.echo)}× | ≥ ${f2(g.min)}× | ${g.verdict} |`);
  lines.push('');
  lines.push('## Targets (issues 7 and 14)', '');
  lines.push('Judged on the default-log rows (what a user gets); for ratios, the worst of the three functions.', '');
  lines.push('| target | measured | verdict |');
  lines.push('|---|---|---|');
  for (const t of results.targets) lines.push(`| ${t.name} | ${t.measured} | ${t.verdict} |`);
  lines.push('');
  if (results.failures.length) {
    lines.push('## Problems during the run', '');
    for (const f of results.failures) lines.push(`- ${f}`);
    lines.push('');
  }
  return lines.join('\n');
}
