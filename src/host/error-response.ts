// Request-time errors are written by the core itself as JSON with the request id (SPEC R48),
// never by the framework's error page (Express's finalhandler renders HTML, Koa plain text).
// The body itself is response/write-error's mapErrorResponse; this adds the catalogue's status.
import type { MappedResponse } from '../definitions';
import { ERROR_CODES, type ErrorCode } from '../errors';
import { mapErrorResponse } from '../response/write-error';

/** A JSON error response `{ code, message, requestId }` with the code's status (SPEC R48). */
export function buildErrorResponse(
  code: ErrorCode,
  message: string,
  requestId: string,
  options: { production: boolean; status?: number; headers?: Array<[string, string]> },
): MappedResponse {
  const status = options.status ?? (ERROR_CODES[code].status || 500);
  const response = mapErrorResponse({ code, message, status }, requestId, options.production);
  if (options.headers && options.headers.length > 0) response.headers.push(...options.headers);
  return response;
}
