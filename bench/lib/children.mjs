// Child processes of the benchmark: spawned pinned to a core, tracked, and every one killed at
// the end, on error and on SIGINT/SIGTERM. Servers also exit by themselves when our stdin closes.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import http from 'node:http';

const live = new Set();

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `command args` under `taskset -c core`, stdout and stderr appended to `logFile`.
 * @returns {{ child: import('node:child_process').ChildProcess, exited: Promise<number|null> }}
 */
export function spawnPinned(core, command, args, { env, logFile, stopSignal = 'SIGTERM', cwd } = {}) {
  const fd = openSync(logFile ?? '/dev/null', 'a');
  const child = spawn('taskset', ['-c', String(core), command, ...args], {
    stdio: ['pipe', fd, fd],
    env: { ...process.env, ...env },
    cwd,
  });
  closeSync(fd);
  child.stdin.on('error', () => {});
  const entry = { child, stopSignal };
  live.add(entry);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(entry);
      resolve(code ?? signal);
    });
    child.on('error', () => {
      live.delete(entry);
      resolve(-1);
    });
  });
  return { child, exited, stop: () => stop(entry, exited) };
}

async function stop(entry, exited) {
  if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
  // A frozen tree (see freezeTrees) would not act on its stop signal.
  for (const pid of processTree(entry.child.pid)) signal(pid, 'SIGCONT');
  try {
    entry.child.kill(entry.stopSignal);
  } catch {}
  const timer = setTimeout(() => {
    try {
      entry.child.kill('SIGKILL');
    } catch {}
  }, 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * Freezes (SIGSTOP) the process trees of `pids` and returns a function that thaws them (SIGCONT).
 * The load phase freezes every server but the one under load: idle servers pinned to the same
 * core would otherwise wake (their timers, their workers' and children's timers) and take part
 * of the core and its caches from the server being measured, which a server alone on its
 * machine never meets.
 */
export function freezeTrees(pids) {
  const frozen = pids.flatMap((pid) => processTree(pid));
  for (const pid of frozen) signal(pid, 'SIGSTOP');
  return () => {
    for (const pid of frozen) signal(pid, 'SIGCONT');
  };
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {}
}

/** Stops every live child (its own signal, then SIGKILL after 3 s). */
export async function stopAll() {
  await Promise.all([...live].map((entry) => stop(entry, new Promise((r) => entry.child.once('exit', r)))));
}

/** Kills every live child at once, synchronously (for process 'exit'). */
export function killAllNow() {
  for (const { child } of live) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
}

/** One request; resolves to the status code (0 on a connection error). Bounded by `timeoutMs`. */
export function request(url, { method = 'GET', body, timeoutMs = 2000 } = {}) {
  return new Promise((resolve) => {
    const req = http.request(url, { method, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(body);
  });
}

/** Polls `url` until 200, the child exits, or `timeoutMs` passes. */
export async function waitForOk(url, exited, timeoutMs) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    const { status } = await request(url, { timeoutMs: 1000 });
    if (status === 200) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** `pid` and its live descendants, from /proc (at most 1000). */
function processTree(pid) {
  const children = new Map();
  for (const stat of listProcStats()) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const queue = [pid];
  for (let i = 0; i < queue.length && i < 1000; i++) queue.push(...(children.get(queue[i]) ?? []));
  return queue;
}

/**
 * VmRSS and Pss (KiB), and thread count, of `pid` plus its descendants, from /proc. RSS counts
 * pages shared between processes (Node's own code) once per process; Pss splits them, so the
 * Pss sum is what several child processes really take together.
 */
export function processTreeMemory(pid) {
  let rssKiB = 0;
  let pssKiB = 0;
  let threads = 0;
  const tree = processTree(pid);
  for (const p of tree) {
    const status = readStatus(p);
    rssKiB += status.VmRSS ?? 0;
    threads += status.Threads ?? 0;
    pssKiB += readPss(p);
  }
  return { rssKiB, pssKiB, threads, processes: tree.length };
}

function readPss(pid) {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function readStatus(pid) {
  try {
    const out = {};
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^(VmRSS|Threads):\s+(\d+)/.exec(line);
      if (m) out[m[1]] = Number(m[2]);
    }
    return out;
  } catch {
    return {};
  }
}

function listProcStats() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(rest[1]) });
    } catch {}
  }
  return out;
}

/**
 * CPU time (seconds) used so far by `pid` and its live descendants: a server under process
 * isolation does part of its work in its children.
 */
export function treeCpuSeconds(pid) {
  let total = 0;
  for (const p of processTree(pid)) {
    const seconds = cpuSeconds(p);
    if (Number.isFinite(seconds)) total += seconds;
  }
  return total;
}

/** CPU time (seconds, user + system, all threads) used so far by `pid`, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command); Linux ticks are 1/100 s.
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return NaN;
  }
}
