// Request-time errors are written by the core itself as JSON with the request id (SPEC R48),
// never by the framework's error page (Express's finalhandler renders HTML, Koa plain text).
import type { MappedResponse } from '../definitions';
import { ERROR_CODES, type ErrorCode } from '../errors';

/** A JSON error response `{ code, message, requestId }` with the code's status (SPEC R48). */
export function buildErrorResponse(
  code: ErrorCode,
  message: string,
  requestId: string,
  options: { production: boolean; status?: number; headers?: Array<[string, string]> },
): MappedResponse {
  const status = options.status ?? (ERROR_CODES[code].status || 500);
  // SPEC R48: in production a 5xx names the request id instead of internals.
  const shown =
    options.production && status >= 500
      ? `The function failed (${code}). Look up request ${requestId} in the logs.`
      : message;
  const body = Buffer.from(JSON.stringify({ code, message: shown, requestId }));
  return {
    statusCode: status,
    headers: [['Content-Type', 'application/json; charset=utf-8'], ...(options.headers ?? [])],
    body,
  };
}
