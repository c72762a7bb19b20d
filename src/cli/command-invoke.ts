// `hubspot-functions invoke <target> [paths...]` (issue #6): one function through the core's
// invoke() (the HTTP pipeline without a server), the response on stdout and its log record on
// stderr. Exit 0 below 500, 1 for 500 and above (a timeout is a 504), 2 for usage or config errors.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createFunctionsHost, type FunctionsHost } from '../host/create-functions-host';
import type { InvokeInput, InvokeResult } from '../host/invoke';
import { isFunctionsError } from '../errors';
import { writeLine, type CliIo } from './cli-io';
import { buildHostOptions, HOST_FLAGS } from './host-flags';
import { paint } from './paint';
import { formatRecordForTerminal } from './terminal-records';
import { outboundLinesWanted } from '../logs/format-log-record';
import { reportHostError } from './report-host-error';
import { CliUsageError } from './usage-error';

/** Parses repeatable `--header 'Name: value'` flags. */
export function parseHeaderFlags(values: readonly string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = colon === -1 ? '' : value.slice(0, colon).trim();
    if (name === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new CliUsageError(`--header takes "Name: value"; got "${value}".`);
    (headers[name] ??= []).push(value.slice(colon + 1).trim());
  }
  return headers;
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The body of `--data`: `<json>`, `@file` or `-` (stdin). JSON unless a non-JSON content type
 * was given with `--header`, in which case the bytes are sent as they are.
 */
export async function readDataFlag(data: string | undefined, contentType: string | undefined, io: CliIo): Promise<InvokeInput['body']> {
  if (data === undefined) return undefined;
  let bytes: Buffer;
  if (data === '-') bytes = await readStdin(io.stdin);
  else if (data.startsWith('@')) {
    const file = resolve(io.cwd, data.slice(1));
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new CliUsageError(`--data ${data}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
  } else bytes = Buffer.from(data, 'utf8');
  if (contentType !== undefined && !/json/i.test(contentType)) return bytes;
  try {
    return bytes.length === 0 ? {} : (JSON.parse(bytes.toString('utf8')) as unknown);
  } catch (error) {
    throw new CliUsageError(`--data is not valid JSON (${(error as Error).message}). Send JSON, or set --header 'content-type: …' for other bytes.`);
  }
}

function printResponse(result: InvokeResult, io: CliIo): void {
  const c = io.color;
  const status = `HTTP ${result.statusCode}`;
  writeLine(io.stdout, paint(c, result.statusCode >= 500 ? 'red' : result.statusCode >= 400 ? 'yellow' : 'green', status));
  for (const [name, value] of Object.entries(result.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) writeLine(io.stdout, `${name}: ${v}`);
  }
  writeLine(io.stdout);
  const body = result.body;
  if (Buffer.isBuffer(body)) io.stdout.write(body);
  else if (typeof body === 'string') io.stdout.write(body.endsWith('\n') || body === '' ? body : `${body}\n`);
  else writeLine(io.stdout, JSON.stringify(body, null, 2));
}

/** Runs `invoke`; resolves with the exit code. */
export async function runInvoke(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...HOST_FLAGS,
      method: { type: 'string', short: 'X' },
      query: { type: 'string' },
      data: { type: 'string', short: 'd' },
      header: { type: 'string', short: 'H', multiple: true },
      json: { type: 'boolean' },
    },
  });
  const [target, ...paths] = positionals;
  if (target === undefined) throw new CliUsageError('invoke needs a target: a URL path ("/_hcms/api/hello") or a function name.');
  const headers = parseHeaderFlags(values.header ?? []);
  const contentType = Object.entries(headers).find(([n]) => n.toLowerCase() === 'content-type')?.[1][0];
  const body = await readDataFlag(values.data, contentType, io);
  const flags = buildHostOptions(values, io);
  let host: FunctionsHost;
  try {
    host = createFunctionsHost(paths.length > 0 ? paths.map((p) => resolve(io.cwd, p)) : [io.cwd], {
      ...flags.options,
      onLog: false,
      onWarning: (w) => writeLine(io.stderr, paint(io.color, 'yellow', `warning: ${w.message}`)),
    });
  } catch (error) {
    await flags.release();
    return reportHostError(error, io);
  }
  // The core's timers are unref'd (they must not keep a host app alive): hold the process open
  // until the call settles, so that a function that never answers still gets its timeout.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    await host.ready;
    const input: InvokeInput = { headers };
    if (values.method !== undefined) input.method = values.method;
    if (values.query !== undefined) input.query = values.query;
    if (body !== undefined) input.body = body;
    let result: InvokeResult;
    try {
      result = await host.invoke(target, input);
    } catch (error) {
      if (isFunctionsError(error)) {
        writeLine(io.stderr, paint(io.color, 'red', `error [${error.code}]: ${error.message}`));
        return 2;
      }
      throw error;
    }
    if (values.json) {
      const bodyOut = Buffer.isBuffer(result.body) ? { bodyBase64: result.body.toString('base64') } : { body: result.body };
      writeLine(io.stdout, JSON.stringify({ statusCode: result.statusCode, headers: result.headers, ...bodyOut, record: result.record }));
    } else {
      io.stderr.write(formatRecordForTerminal(result.record, io.color, outboundLinesWanted(io.env)));
      printResponse(result, io);
    }
    return result.statusCode >= 500 ? 1 : 0;
  } finally {
    clearInterval(keepAlive);
    await host.close();
    await flags.release();
  }
}
