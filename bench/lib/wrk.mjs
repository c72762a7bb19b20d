// One bounded wrk run (pinned to the load core) and its parsed numbers.
import { spawn } from 'node:child_process';
import { cpuSeconds } from './children.mjs';

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** A wrk duration such as `812.00us` or `1.20ms` in milliseconds. */
function toMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
}

/**
 * Parses wrk's `--latency` output.
 * @returns {{ rps: number, p50: number, p99: number, requests: number, non2xx: number, socketErrors: number }}
 */
export function parseWrk(text) {
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : 0;
  };
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(text);
    return m ? toMs(m[1]) : NaN;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50: pct(50),
    p99: pct(99),
    requests: num(/(\d+) requests in/),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
    socketErrors: sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  };
}

/**
 * Runs `wrk -t1 -c<connections> -d<seconds>s --latency` on `core`; killed if it overruns.
 * @returns {Promise<ReturnType<typeof parseWrk> & { raw: string }>}
 */
export function runWrk({ url, connections, seconds, core, script }) {
  const args = ['-c', String(core), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '--latency'];
  if (script) args.push('-s', script);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    // wrk's own CPU share, sampled inside the run: near 100% means wrk, not the server, was the limit.
    const samples = [];
    const sample = () => samples.push({ t: process.hrtime.bigint(), cpu: cpuSeconds(child.pid) });
    const first = setTimeout(sample, 200);
    const last = setTimeout(sample, Math.max(400, seconds * 1000 - 200));
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    // Bounded: wrk gets its duration plus 15 s, then it is killed.
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000);
    const onSigint = () => child.kill('SIGKILL');
    process.once('SIGINT', onSigint);
    child.on('error', (e) => {
      clearTimeout(timer);
      process.off('SIGINT', onSigint);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(first);
      clearTimeout(last);
      const [a, b] = samples;
      const loadCpuShare = a && b ? (b.cpu - a.cpu) / (Number(b.t - a.t) / 1e9) : NaN;
      process.off('SIGINT', onSigint);
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${out.trim().slice(0, 400)}`));
      resolve({ ...parseWrk(out), loadCpuShare, raw: out });
    });
  });
}
