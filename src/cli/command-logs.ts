// `hubspot-functions logs` (issue #15): what `hs project logs` showed, for functions run here.
// Records in HubSpot's format (the default sink's line, SPEC R62), oldest first and newest last,
// from a running server's dashboard API or straight from the shared Redis stream; filtered by
// endpoint, status, request id and age; `--follow` keeps printing new ones until Ctrl-C.
import { parseArgs } from 'node:util';
import { createDashboardSource, createStoreSource, RecordSourceError, type RecordSource } from '../logs/record-sources';
import { parseOutcome, type RecordFilter } from '../logs/record-filter';
import type { LogRecord } from '../types';
import { writeLine, type CliIo } from './cli-io';
import { formatRecordForTerminal } from './terminal-records';
import { outboundLinesWanted } from '../logs/format-log-record';
import { loadRedis } from './host-flags';
import { paint } from './paint';
import { CliUsageError } from './usage-error';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: a duration back from now (`90s`, `5m`, `2h`, `1d`, `500ms`) or an ISO time.
 * @returns epoch ms
 * @throws CliUsageError for anything else
 */
export function parseSince(value: string, now = Date.now()): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (m !== null) return now - Number(m[1]) * UNITS[m[2]];
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const at = Date.parse(value);
    if (Number.isFinite(at)) return at;
  }
  throw new CliUsageError(`--since takes a duration (30s, 5m, 2h, 1d) or an ISO time (2026-01-31T12:00:00Z); got "${value}".`);
}

/** The filter the flags ask for. */
function filterOf(values: { endpoint?: string; status?: string; 'request-id'?: string; since?: string; instance?: string }): RecordFilter {
  const filter: RecordFilter = {};
  if (values.endpoint !== undefined) filter.endpoint = values.endpoint;
  if (values.status !== undefined) {
    const outcome = parseOutcome(values.status);
    if (outcome === null) throw new CliUsageError(`--status takes success, error, timeout or 429; got "${values.status}".`);
    filter.outcome = outcome;
  }
  if (values['request-id'] !== undefined) filter.requestId = values['request-id'];
  if (values.instance !== undefined) filter.instance = values.instance;
  if (values.since !== undefined) filter.sinceMs = parseSince(values.since);
  return filter;
}

/** The source the flags name: `--redis` (or HUBSPOT_FUNCTIONS_REDIS_URL without `--url`), else the server's dashboard. */
function sourceOf(values: { url?: string; redis?: string; stream?: string; 'dashboard-token'?: string }, io: CliIo): RecordSource {
  if (values.url !== undefined && values.redis !== undefined) throw new CliUsageError('--url and --redis name two sources; pass one.');
  const redis = values.redis ?? (values.url === undefined ? io.env.HUBSPOT_FUNCTIONS_REDIS_URL || undefined : undefined);
  if (redis !== undefined) {
    return createStoreSource(loadRedis('--redis').createRedisLogStore({ url: redis, ...(values.stream === undefined ? {} : { stream: values.stream }) }));
  }
  if (values.stream !== undefined) throw new CliUsageError('--stream names the Redis stream: it needs --redis.');
  const url = values.url ?? `http://127.0.0.1:${io.env.PORT || '3000'}`;
  try {
    return createDashboardSource(url, values['dashboard-token'] ?? (io.env.HUBSPOT_FUNCTIONS_DASHBOARD_TOKEN || undefined));
  } catch (error) {
    if (error instanceof RecordSourceError) throw new CliUsageError(error.message);
    throw error;
  }
}

/** Runs `logs`; resolves with the exit code (0, 1 when the source cannot be read, 2 usage). */
export async function runLogs(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      redis: { type: 'string' },
      stream: { type: 'string' },
      'dashboard-token': { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      endpoint: { type: 'string' },
      status: { type: 'string' },
      'request-id': { type: 'string' },
      instance: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const filter = filterOf(values);
  const source = sourceOf(values, io);
  // Issue #13: HSF_LOG_OUTBOUND=1 adds one line per outbound call, as serve's output does.
  const outboundLines = outboundLinesWanted(io.env);
  const print = (records: LogRecord[]): void => {
    for (const record of records) {
      if (values.json === true) writeLine(io.stdout, JSON.stringify(record));
      else io.stdout.write(formatRecordForTerminal(record, io.color, outboundLines));
    }
  };
  try {
    let records: LogRecord[];
    try {
      records = await source.read(filter);
    } catch (error) {
      if (!(error instanceof RecordSourceError)) throw error;
      writeLine(io.stderr, paint(io.color, 'red', `error: ${error.message}`));
      return 1;
    }
    print(records);
    if (values.follow !== true) {
      if (records.length === 0) writeLine(io.stderr, 'no records match');
      return 0;
    }
    // Nothing else may keep the process up while a follower waits to reconnect.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = source.follow(filter, print, (message) => writeLine(io.stderr, paint(io.color, 'yellow', message)));
    await io.stopSignal();
    stop();
    clearInterval(keepAlive);
    return 0;
  } finally {
    await source.close();
  }
}
