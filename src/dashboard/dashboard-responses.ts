// How the dashboard writes its answers: exact bytes with Content-Length, and its errors through
// the core's one error writer (SPEC R48: JSON `{ code, message, requestId }` and x-request-id).
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors';
import { writeErrorResponse } from '../response/error-response';

/** Writes a whole answer; HEAD gets the headers only. */
export function send(res: ServerResponse, status: number, headers: Array<[string, string]>, body: Buffer | string, head: boolean): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.statusCode = status;
  for (const [name, value] of headers) res.setHeader(name, value);
  res.setHeader('Content-Length', bytes.length);
  res.end(head ? undefined : bytes);
}

/** A 200 JSON answer that no cache keeps (records hold console output). */
export function sendJson(res: ServerResponse, value: unknown, head: boolean): void {
  send(res, 200, [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-store']], JSON.stringify(value), head);
}

/** A request-time error with the code's status and a fresh request id (SPEC R48); no cache keeps it. */
export function sendDashboardError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  options: { head: boolean; production: boolean; headers?: Record<string, string> },
): void {
  const headers: Array<[string, string]> = [...Object.entries(options.headers ?? {}), ['Cache-Control', 'no-store']];
  writeErrorResponse(res, { code, message, headers }, randomUUID(), { head: options.head, production: options.production });
}

/** A header's first value. */
export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** What a message may quote of request input: enough to recognise, never the whole of a 16 KB header. */
export function quote(value: string | undefined): string {
  return JSON.stringify(value === undefined || value.length <= 100 ? value ?? '' : `${value.slice(0, 100)}...`);
}
