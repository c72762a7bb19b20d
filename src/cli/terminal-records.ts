// Records as the CLI prints them: HubSpot's lines with the status coloured on a TTY (SPEC R62),
// or one JSON object per line (`--json`); `serve` writes them once per event-loop turn.
import { createBatchedWriter } from '../logs/batched-writer';
import { formatLogRecord } from '../logs/format-log-record';
import type { LogRecord } from '../types';
import { paint, statusColour } from './paint';

/** One record as the terminal shows it: HubSpot's line with its status coloured, then its console lines. */
export function formatRecordForTerminal(record: LogRecord, color: boolean, outbound = false): string {
  // Issue #13: `outbound` (HSF_LOG_OUTBOUND=1) adds one line per outbound call, as in the default sink.
  const text = formatLogRecord(record, { outbound });
  if (!color) return text;
  return text.replace(` - ${record.status} - `, ` - ${paint(true, statusColour(record.status), record.status)} - `);
}

/** How `serve` prints records. */
export interface RecordPrinterOptions {
  json: boolean;
  color: boolean;
  /** One line per outbound call (HSF_LOG_OUTBOUND=1). */
  outbound: boolean;
}

/** A record sink that writes to `stream` once per event-loop turn; `flush()` before a direct line. */
export interface RecordPrinter {
  print: (record: LogRecord) => void;
  flush: () => void;
}

/**
 * Creates `serve`'s record printer: stdout to a file or a pipe is a synchronous write on Linux,
 * and one write per record cost `serve` about a fifth of its throughput (issue #12).
 * @example
 * const printer = createRecordPrinter(process.stdout, { json: false, color: true, outbound: false });
 * host.onRecord(printer.print);
 */
export function createRecordPrinter(stream: NodeJS.WritableStream, options: RecordPrinterOptions): RecordPrinter {
  const out = createBatchedWriter(stream);
  return {
    print: (record) => out.write(options.json ? `${JSON.stringify(record)}\n` : formatRecordForTerminal(record, options.color, options.outbound)),
    flush: out.flush,
  };
}
