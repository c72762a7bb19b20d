// The one error writer (SPEC R48): every error answered at request time, by the pipeline, the
// dashboard or the HTTP edge's last resort, is JSON `{ code, message, requestId }` with the code's
// status and the `x-request-id` header, written by the core itself: never the framework's error
// page (Express's finalhandler renders HTML, Koa's ctx.onerror plain text).
import type { ServerResponse } from 'node:http';
import type { MappedResponse } from '../definitions';
import { ERROR_CODES, type ErrorCode } from '../errors';
import { writeResponse } from './write-response';

/** An error as the host answers it. */
export interface AnsweredError {
  code: ErrorCode;
  message: string;
  /** @default the code's status in ERROR_CODES */
  status?: number;
  /** Allow (405), Retry-After (429, 503), CORS: added after the content type. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

const JSON_TYPE: readonly [string, string] = ['content-type', 'application/json; charset=utf-8'];

/** The status an error is answered with: its own, else its code's, else 500. */
export function errorStatus(error: Pick<AnsweredError, 'code' | 'status'>): number {
  return error.status ?? (ERROR_CODES[error.code]?.status || 500);
}

/**
 * The JSON body of an error: `{ code, message, requestId }`; under production a 5xx message is
 * generic and names the request id, since it may hold internals (SPEC R48).
 */
export function errorBody(
  error: { code: string; message: string; status: number },
  requestId: string,
  production: boolean,
): { code: string; message: string; requestId: string } {
  const message = production && error.status >= 500 ? `Internal error; see the log record ${requestId}` : error.message;
  return { code: error.code, message, requestId };
}

/**
 * Maps an error to exact response bytes: JSON body, its status, its own headers (SPEC R48).
 * @example buildErrorResponse({ code: 'HSF_METHOD_NOT_ALLOWED', message: 'POST is not allowed', headers: [['Allow', 'GET']] }, id, false)
 */
export function buildErrorResponse(error: AnsweredError, requestId: string, production: boolean): MappedResponse {
  const status = errorStatus(error);
  const headers: Array<[string, string]> = [[JSON_TYPE[0], JSON_TYPE[1]]];
  if (error.headers !== undefined) for (const [name, value] of error.headers) headers.push([name, value]);
  return {
    statusCode: status,
    headers,
    body: Buffer.from(JSON.stringify(errorBody({ code: error.code, message: error.message, status }, requestId, production)), 'utf8'),
  };
}

/**
 * Writes a request-time error with the `x-request-id` header (SPEC R48, R63); does nothing when
 * headers were already sent.
 */
export function writeErrorResponse(
  res: ServerResponse,
  error: AnsweredError,
  requestId: string,
  options: { production: boolean; head?: boolean },
): void {
  writeResponse(res, buildErrorResponse(error, requestId, options.production), {
    head: options.head === true,
    extraHeaders: [['x-request-id', requestId]],
  });
}

/**
 * The last resort for a failure of ours (never a function's: those are outcomes): a JSON 500 if
 * nothing was written yet, else the connection is cut. Never throws: whatever a request holds
 * costs that request, never the host app (issue #10 item 1).
 */
export function writeInternalError(res: ServerResponse, error: unknown, requestId: string, production: boolean): void {
  if (!res.headersSent) {
    const message = `hubspot-functions failed: ${error instanceof Error ? error.message : String(error)}`;
    try {
      writeErrorResponse(res, { code: 'HSF_FUNCTION_ERROR', message }, requestId, { production });
      return;
    } catch {
      // Writing failed as well (a header the host app set, a socket gone): cut the connection.
    }
  }
  res.destroy();
}
