// Request-time errors, written by the core itself as JSON (SPEC R48), never by the framework's
// error page (Express's finalhandler renders HTML, Koa's ctx.onerror plain text).
import type { ServerResponse } from 'node:http';
import type { MappedResponse } from '../definitions';
import { writeResponse } from './write-response';

/** An error as the host answers it. */
export interface AnsweredError {
  code: string;
  message: string;
  status: number;
  /** Allow (405), Retry-After (429, 503). */
  headers?: Record<string, string>;
}

/** Options of writeErrorResponse. */
export interface WriteErrorOptions {
  head?: boolean;
  /** Under NODE_ENV=production a 5xx message is generic (SPEC R48). */
  production: boolean;
  /** Headers the core adds besides x-request-id (CORS, so a browser can read the error). */
  extraHeaders?: Array<[string, string]>;
}

/**
 * The JSON body of an error: `{ code, message, requestId }`; under production a 5xx message is
 * generic and names the request id, since it may hold internals (SPEC R48).
 */
export function errorBody(
  error: Pick<AnsweredError, 'code' | 'message' | 'status'>,
  requestId: string,
  production: boolean,
): { code: string; message: string; requestId: string } {
  const message = production && error.status >= 500 ? `Internal error; see the log record ${requestId}` : error.message;
  return { code: error.code, message, requestId };
}

/** Maps an error to exact response bytes: JSON body, its own headers (Allow, Retry-After) (SPEC R48). */
export function mapErrorResponse(error: AnsweredError, requestId: string, production: boolean): MappedResponse {
  const headers: Array<[string, string]> = [['content-type', 'application/json; charset=utf-8']];
  if (error.headers) for (const name of Object.keys(error.headers)) headers.push([name, error.headers[name]]);
  return {
    statusCode: error.status,
    headers,
    body: Buffer.from(JSON.stringify(errorBody(error, requestId, production)), 'utf8'),
  };
}

/**
 * Writes a request-time error as JSON with the `x-request-id` header (SPEC R48, R63); does
 * nothing when headers were already sent.
 */
export function writeErrorResponse(
  res: ServerResponse,
  error: AnsweredError,
  requestId: string,
  options: WriteErrorOptions,
): void {
  writeResponse(res, mapErrorResponse(error, requestId, options.production), {
    head: options.head === true,
    extraHeaders: [['x-request-id', requestId], ...(options.extraHeaders ?? [])],
  });
}
