// The default log sink (SPEC R62): HubSpot's summary line with the request id at its end, then
// the captured console lines, then the error for failed invocations, on stderr.
import type { LogRecord } from '../types';

/**
 * Formats one record as HubSpot prints it (SPEC R62), with its request id at the end of the line
 * so that the id a 500 names can be found with grep (issue #15):
 * `<ISO> - <STATUS> - <METHOD> /<endpoint> - Execution Time: <n>ms - <request id>`, then the
 * captured lines.
 * @example
 * formatLogRecord(record); // "2021-04-28T19:19:21.666Z - SUCCESS - GET /hello - Execution Time: 279ms - 1b4e…\n..."
 */
export function formatLogRecord(record: LogRecord): string {
  const endpoint = record.endpoint.startsWith('/') ? record.endpoint : `/${record.endpoint}`;
  const time = Math.round(record.executionTime);
  let out = `${new Date(record.createdAt).toISOString()} - ${record.status} - ${record.method} ${endpoint} - Execution Time: ${time}ms - ${record.id}\n`;
  if (record.log !== '') out += record.log.endsWith('\n') ? record.log : `${record.log}\n`;
  if (record.error !== undefined) out += formatError(record.error);
  return out;
}

/**
 * A sink that writes every record with formatLogRecord to `stream` (default: process.stderr).
 * @param stream where lines go; SPEC R62 says stderr.
 */
export function createStderrSink(stream: NodeJS.WritableStream = process.stderr): (record: LogRecord) => void {
  // stderr to a file or a pipe is a synchronous write on Linux: one blocking syscall per record
  // cost up to 40% of throughput in the benchmark (issue #7). Records of one event-loop turn are
  // written together instead; the immediate stays ref'd, so lines are written before a natural exit.
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  return (record) => {
    pending.push(formatLogRecord(record));
    if (pending.length >= MAX_PENDING_RECORDS) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

/** Records held before a write is forced, so a burst never buffers without bound. */
const MAX_PENDING_RECORDS = 256;

/** The error's stack when it has one (its first line is `<type>: <message>`), else `<type>: <message>`. */
function formatError(error: NonNullable<LogRecord['error']>): string {
  const lines = error.stackTrace.length > 0 ? error.stackTrace : [`${error.type}: ${error.message}`];
  return lines.join('\n') + '\n';
}
