// `hubspot-functions serve [paths...]` (issue #6): the core on bare node:http (the fast path,
// no framework), the route table at start, one HubSpot-format line per invocation (SPEC R62),
// `--watch`, `--dashboard` and `--dashboard-token` (issue #10), `--rate-limit`/`--redis` (issue #4;
// issue #15: one Redis for the budget and every instance's records), the library's options as
// flags and `--health` (issue #15, serve-flags.ts), and a drain on SIGINT/SIGTERM.
import { createServer, type Server } from 'node:http';
import { hostname as machineName } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequestListener, type RequestListener } from '../host/create-request-listener';
import { formatRouteTable } from '../host/format-route-table';
import { outboundLinesWanted } from '../logs/format-log-record';
import type { AllOptions } from '../options';
import type { FunctionsWarning, RouteInfo } from '../types';
import { writeLine, type CliIo } from './cli-io';
import { buildHostOptions, HOST_FLAGS } from './host-flags';
import { paint } from './paint';
import { reportHostError } from './report-host-error';
import { createRecordPrinter } from './terminal-records';
import { answerHealth, buildServeOptions, SERVE_FLAGS } from './serve-flags';
import { CliUsageError } from './usage-error';

/** Parses `--port`: an integer from 0 (any free port) to 65535. */
export function parsePort(value: string | undefined, env: NodeJS.ProcessEnv): number {
  const raw = value ?? env.PORT ?? '3000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new CliUsageError(`--port must be an integer from 0 to 65535; got "${raw}".`);
  return port;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolvePort(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Adds warnings that concern one function to its row, so they print beside it. */
function attachWarnings(routes: RouteInfo[], warnings: FunctionsWarning[]): FunctionsWarning[] {
  const loose: FunctionsWarning[] = [];
  for (const w of warnings) {
    const route = w.functionId === undefined ? undefined : routes.find((r) => r.id === w.functionId);
    if (route === undefined) loose.push(w);
    // Load failures already show as the row's error.
    else if (w.code !== 'HSF_WARN_LOAD_FAILED' && !route.warnings.includes(w.message)) route.warnings.push(w.message);
  }
  return loose;
}

/**
 * `--dashboard` and `--dashboard-token <token>` (which implies it; else $HUBSPOT_FUNCTIONS_DASHBOARD_TOKEN)
 * as the `dashboard` option (issue #10 item 5).
 * @throws CliUsageError under NODE_ENV=production without a token: the dashboard shows console output
 */
function dashboardOptions(values: { dashboard?: boolean; 'dashboard-token'?: string }, env: NodeJS.ProcessEnv): { token?: string } | false {
  const flag = values['dashboard-token'];
  if (values.dashboard !== true && flag === undefined) return false;
  const token = flag ?? (env.HUBSPOT_FUNCTIONS_DASHBOARD_TOKEN || undefined);
  if (token === undefined && env.NODE_ENV === 'production') {
    throw new CliUsageError('--dashboard under NODE_ENV=production needs --dashboard-token <token> (or HUBSPOT_FUNCTIONS_DASHBOARD_TOKEN): the dashboard shows console output.');
  }
  return token === undefined ? {} : { token };
}

/** Runs `serve` until SIGINT or SIGTERM; resolves with the exit code. */
export async function runServe(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...HOST_FLAGS,
      ...SERVE_FLAGS,
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      watch: { type: 'boolean', short: 'w' },
      json: { type: 'boolean' },
      dashboard: { type: 'boolean' },
      'dashboard-token': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  const port = parsePort(values.port, io.env);
  const hostname = values.host ?? '127.0.0.1';
  const json = values.json === true;
  const c = io.color;
  // With --json, stdout carries only records (one JSON object a line); the rest goes to stderr.
  const info = json ? io.stderr : io.stdout;
  const dashboard = dashboardOptions(values, io.env);
  const served = buildServeOptions(values);
  const healthPath = served.healthPath;
  // Named here, so that the start lines can say it (the library's default: hostname:pid).
  const instance = served.options.instance ?? `${machineName()}:${process.pid}`;
  const outboundLines = outboundLinesWanted(io.env);
  const flags = buildHostOptions(values, io, { logStore: true });
  const early: FunctionsWarning[] = [];
  const records = createRecordPrinter(io.stdout, { json, color: c, outbound: outboundLines });
  let started = false;
  const onWarning = (w: FunctionsWarning): void => {
    if (!started) return void early.push(w);
    if (w.code === 'HSF_WATCH_RELOADED') {
      records.flush();
      writeLine(info, paint(c, 'cyan', `[watch] ${w.message}`));
    }
    else if (w.code === 'HSF_WARN_RELOAD_FAILED') writeLine(io.stderr, paint(c, 'red', `[watch] ${w.message}`));
    else writeLine(io.stderr, paint(c, 'yellow', `warning: ${w.message}`));
  };
  const options: AllOptions = {
    ...flags.options,
    ...served.options,
    instance,
    watch: values.watch === true,
    dashboard,
    onWarning,
    // --quiet: no per-invocation output (records still reach the dashboard); SPEC R62 `onLog: false`.
    onLog: values.quiet === true ? false : records.print,
  };

  let listener: RequestListener;
  try {
    listener = createRequestListener(positionals.length > 0 ? positionals.map((p) => resolve(io.cwd, p)) : [io.cwd], options);
  } catch (error) {
    await flags.release();
    return reportHostError(error, io);
  }
  if (healthPath !== null && listener.host.match('GET', healthPath) !== undefined) {
    await listener.close();
    await flags.release();
    throw new CliUsageError(`--health ${healthPath} is a function's path; choose another, e.g. /__health.`);
  }
  // The health path is answered before the functions (issue #15): 503 while loading and draining.
  const server = createServer(healthPath === null
    ? (req, res) => void listener(req, res)
    : (req, res) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      if ((q === -1 ? url : url.slice(0, q)) === healthPath) answerHealth(req, res, listener.host.health());
      else listener(req, res);
    });
  let actualPort: number;
  try {
    actualPort = await listen(server, port, hostname);
  } catch (error) {
    await listener.close();
    await flags.release();
    writeLine(io.stderr, paint(c, 'red', `error: cannot listen on ${hostname}:${port}: ${(error as Error).message}`));
    return 1;
  }
  const shown = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname.includes(':') ? `[${hostname}]` : hostname;
  const baseUrl = `http://${shown}:${actualPort}`;
  const loaded = await listener.host.ready.catch(() => ({ loaded: 0, failed: 0 }));
  const routes = listener.host.routes;
  for (const w of attachWarnings(routes, early)) writeLine(io.stderr, paint(c, 'yellow', `warning: ${w.message}`));
  writeLine(info, formatRouteTable(routes, baseUrl, io.cwd));
  writeLine(info);
  // The token itself is never printed: stdout often ends up in a log.
  if (dashboard) writeLine(info, `dashboard: ${baseUrl}/__dashboard${dashboard.token === undefined ? '' : ' (open it once as /__dashboard?token=<your token>)'}`);
  if (healthPath !== null) writeLine(info, `health: ${baseUrl}${healthPath}`);
  if (flags.options.logStore !== undefined) writeLine(info, `records shared through Redis as instance "${instance}"`);
  if (values.watch) writeLine(info, 'watching for changes');
  writeLine(info, `${paint(c, 'bold', `hubspot-functions serving ${loaded.loaded} function(s) on ${baseUrl}`)}${loaded.failed ? paint(c, 'red', ` (${loaded.failed} failed to load)`) : ''} - Ctrl-C to stop`);
  started = true;

  const signal = await io.stopSignal();
  records.flush();
  writeLine(info, `${signal}: finishing in-flight calls...`);
  // Draining (issue #15): the host runs nothing new (503 HSF_CLOSED) and the health path answers
  // 503 while in-flight calls finish (up to closeTimeoutMs); then the server closes.
  await listener.close();
  records.flush();
  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeIdleConnections();
  await flags.release();
  server.closeAllConnections();
  await closed;
  writeLine(info, 'stopped');
  return 0;
}
