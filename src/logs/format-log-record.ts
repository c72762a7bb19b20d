// The default log sink (SPEC R62): HubSpot's summary line with the request id at its end, then
// the captured console lines, then the error for failed invocations, on stderr; with
// HSF_LOG_OUTBOUND=1, one indented line per outbound call after them (issue #13; off by default,
// so HubSpot's format stays the default).
import type { LogRecord, OutboundCall } from '../types';
import { createBatchedWriter } from './batched-writer';

/** How a record is formatted beyond HubSpot's lines. */
export interface LogFormatOptions {
  /** One indented line per outbound call (issue #13). @default false */
  outbound?: boolean;
}

/** Whether the environment asks for outbound lines: `HSF_LOG_OUTBOUND=1` (issue #13). */
export function outboundLinesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.HSF_LOG_OUTBOUND === '1';
}

/**
 * Formats one record as HubSpot prints it (SPEC R62), with its request id at the end of the line
 * so that the id a 500 names can be found with grep (issue #15):
 * `<ISO> - <STATUS> - <METHOD> /<endpoint> - Execution Time: <n>ms - <request id>`, then the
 * captured lines; with `outbound`, then `  -> GET https://api.hubapi.com/... 200 12ms` per
 * outbound call.
 * @example
 * formatLogRecord(record); // "2021-04-28T19:19:21.666Z - SUCCESS - GET /hello - Execution Time: 279ms - 1b4e…\n..."
 */
export function formatLogRecord(record: LogRecord, options: LogFormatOptions = {}): string {
  const endpoint = record.endpoint.startsWith('/') ? record.endpoint : `/${record.endpoint}`;
  const time = Math.round(record.executionTime);
  let out = `${new Date(record.createdAt).toISOString()} - ${record.status} - ${record.method} ${endpoint} - Execution Time: ${time}ms - ${record.id}\n`;
  if (record.log !== '') out += record.log.endsWith('\n') ? record.log : `${record.log}\n`;
  if (record.error !== undefined) out += formatError(record.error);
  if (options.outbound === true && record.outbound !== undefined) {
    for (const call of record.outbound) out += formatOutboundCall(call);
    if (record.outboundDropped !== undefined) out += `  -> ... and ${record.outboundDropped} more calls, not listed\n`;
  }
  return out;
}

/**
 * One outbound call as the log shows it: `  -> <METHOD> <url> <status> <n>ms`, `FAILED <n>ms: <error>`
 * or `RUNNING <n>ms (still running when the function answered)`, and where a rewrite sent it.
 */
export function formatOutboundCall(call: OutboundCall): string {
  const where = call.rewrittenTo === undefined ? '' : ` (rewritten to ${call.rewrittenTo})`;
  let outcome: string;
  if (call.error !== undefined) outcome = `${call.status ?? 'FAILED'} ${call.durationMs}ms: ${call.error}`;
  else if (call.status === null) outcome = `RUNNING ${call.durationMs}ms (still running when the function answered)`;
  else outcome = `${call.status} ${call.durationMs}ms`;
  return `  -> ${call.method} ${call.url}${where} ${outcome}\n`;
}

/**
 * A sink that writes every record with formatLogRecord to `stream` (default: process.stderr).
 * @param stream where lines go; SPEC R62 says stderr.
 * @param options `outbound` defaults to HSF_LOG_OUTBOUND=1, read once here.
 */
export function createStderrSink(stream: NodeJS.WritableStream = process.stderr, options: LogFormatOptions = { outbound: outboundLinesWanted() }): (record: LogRecord) => void {
  const out = createBatchedWriter(stream);
  return (record) => out.write(formatLogRecord(record, options));
}

/** The error's stack when it has one (its first line is `<type>: <message>`), else `<type>: <message>`. */
function formatError(error: NonNullable<LogRecord['error']>): string {
  const lines = error.stackTrace.length > 0 ? error.stackTrace : [`${error.type}: ${error.message}`];
  return lines.join('\n') + '\n';
}
