// The servers under test: three bare baselines, our adapters and `serve` in each isolation with
// and without the default log sink, and HubSpot's emulator. Each runs in its own child process.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH_DIR, '..');
export const FIXTURE = path.join(BENCH_DIR, 'fixtures', 'bench.functions');
export const EMULATOR_FIXTURE = path.join(BENCH_DIR, 'fixtures', 'emulator.functions');
const CLI_BIN = path.join(ROOT, 'bin', 'hubspot-functions.js');
const CLI_MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** The functions every server serves (same paths, same response bodies). */
export const FUNCTIONS = [
  { id: 'hello', label: 'GET small JSON', method: 'GET', path: '/_hcms/api/hello' },
  { id: 'echo', label: 'POST echo query+JSON', method: 'POST', path: '/_hcms/api/echo?x=1&y=two' },
  { id: 'env', label: 'GET env variable', method: 'GET', path: '/_hcms/api/env' },
];

/** Flags of `serve` that turn its log sink off, tried in this order (read from its --help). */
const QUIET_FLAGS = ['--no-log', '--no-logs', '--quiet', '--silent'];

/** Whether the CLI is built, and the flag (if any) that turns its log sink off. */
export function probeCli() {
  if (!existsSync(CLI_BIN) || !existsSync(CLI_MAIN)) return { available: false, reason: 'not available (CLI not built)' };
  const help = spawnSync(process.execPath, [CLI_BIN, 'serve', '--help'], { encoding: 'utf8', timeout: 10_000 });
  const text = `${help.stdout ?? ''}${help.stderr ?? ''}`;
  const quietFlag = QUIET_FLAGS.find((f) => new RegExp(`${f}\\b`).test(text)) ?? null;
  return { available: true, quietFlag };
}

/**
 * Every server definition: `{ id, label, kind, isolation?, log?, command(port) → { args, env },
 * stopSignal, unavailable? }`. `args` are node's arguments (script first).
 */
export function serverCatalogue({ cli }) {
  const site = 'Bench Site';
  const node = (script, extra = []) => (port) => ({ args: [path.join(BENCH_DIR, 'servers', script), String(port), ...extra] });
  const list = [
    { id: 'node-http', label: 'bare node:http', kind: 'node-http', command: node('node-http.cjs'), env: { BENCH_SITE: site } },
    { id: 'express', label: 'bare Express 5', kind: 'express', command: node('express.cjs'), env: { BENCH_SITE: site } },
    { id: 'koa', label: 'bare Koa 3 + @koa/router', kind: 'koa', command: node('koa.cjs'), env: { BENCH_SITE: site } },
  ];
  for (const isolation of ['inline', 'worker', 'process']) {
    for (const log of ['default', 'off']) {
      const logLabel = log === 'off' ? 'onLog: false' : 'default log';
      list.push({
        id: `ours-express-${isolation}-${log}`, label: `ours: Express adapter, ${isolation}, ${logLabel}`,
        kind: 'ours-express', isolation, log, command: node('ours-express.cjs', [FIXTURE, isolation, log]),
      });
      list.push({
        id: `ours-koa-${isolation}-${log}`, label: `ours: Koa adapter, ${isolation}, ${logLabel}`,
        kind: 'ours-koa', isolation, log, command: node('ours-koa.cjs', [FIXTURE, isolation, log]),
      });
      const serve = {
        id: `serve-${isolation}-${log}`, label: `ours: serve (node:http), ${isolation}, ${log === 'off' ? 'log off' : 'default log'}`,
        kind: 'serve', isolation, log,
      };
      if (!cli.available) serve.unavailable = cli.reason;
      else if (log === 'off' && !cli.quietFlag) serve.unavailable = 'not available (serve has no flag that turns its log sink off)';
      serve.command = (port) => ({
        args: [CLI_BIN, 'serve', FIXTURE, '--port', String(port), '--host', '127.0.0.1', '--isolation', isolation,
          ...(log === 'off' && cli.quietFlag ? [cli.quietFlag] : [])],
      });
      list.push(serve);
    }
  }
  list.push({
    id: 'emulator', label: 'HubSpot serverless-dev-runtime 7.0.7 (callback twins)', kind: 'emulator',
    command: node('emulator.cjs', [EMULATOR_FIXTURE]),
    // Its `npm i` in the temp copy: nothing to fetch (no dependencies); stay offline and quiet.
    env: { npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    stopSignal: 'SIGINT',
    startTimeoutMs: 90_000,
  });
  return list;
}
