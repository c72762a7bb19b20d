// Writes a mapped response byte for byte (SPEC R54): straight through writeHead/end, so neither
// Express nor Koa adds an ETag, answers 304 or sniffs a content type.
import { isAscii } from 'node:buffer';
import type { ServerResponse } from 'node:http';
import type { MappedResponse } from '../definitions';

/** Options of writeResponse. */
export interface WriteResponseOptions {
  /** A HEAD request: headers (Content-Length included) without the body (SPEC R13). */
  head: boolean;
  /** Headers the core adds (x-request-id, CORS); they replace the function's of the same name. */
  extraHeaders?: ReadonlyArray<readonly [string, string]>;
}

/** RFC 9110 §6.4.1, §15.3.5, §15.4.5: these statuses carry no content. */
function forbidsBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/**
 * Writes status, the function's headers (repeated names as separate lines), the extra headers,
 * Content-Length and the body; does nothing when headers were already sent (SPEC R54, R63).
 * Headers the host app set with setHeader stay, unless the function sets the same name.
 */
export function writeResponse(res: ServerResponse, response: MappedResponse, options: WriteResponseOptions): void {
  if (res.headersSent) return;
  const extra = options.extraHeaders ?? [];
  const noBody = forbidsBody(response.statusCode);
  // One pass: [name, value, ...] as writeHead takes it, in order, duplicates kept.
  const flat: string[] = [];
  for (const [name, value] of response.headers) {
    // The writer owns framing: a function's own Content-Length or Transfer-Encoding could
    // contradict the bytes and desynchronise the connection.
    if (isFraming(name) || (extra.length > 0 && replacedBy(extra, name))) continue;
    flat.push(name, value);
  }
  for (const [name, value] of extra) flat.push(name, value);
  if (!noBody) flat.push('content-length', String(response.body.length));

  if (res.getHeaderNames().length === 0) {
    res.writeHead(response.statusCode, flat);
  } else {
    // The host set headers (Express's X-Powered-By, its own middleware): they stay unless the
    // function sets the same name. Node 20's writeHead would setHeader each pair and keep only
    // the last Set-Cookie, so remove the names first, then append each line.
    for (let i = 0; i < flat.length; i += 2) res.removeHeader(flat[i]);
    // A host's framing headers would be wrong for this body.
    res.removeHeader('content-length');
    res.removeHeader('transfer-encoding');
    for (let i = 0; i < flat.length; i += 2) res.appendHeader(flat[i], flat[i + 1]);
    res.writeHead(response.statusCode);
  }
  if (options.head || noBody) res.end();
  else if (response.body.length <= ONE_WRITE_MAX_BYTES && isAscii(response.body)) res.end(response.body.toString('latin1'), 'latin1');
  else res.end(response.body);
}

/**
 * ASCII bodies up to this size leave with the head in one write. Node joins a string body to the
 * head it has not sent yet, but sends a Buffer as a second chunk (issue #12). ASCII only: its
 * latin1 and UTF-8 bytes are the same, so a host middleware that wraps res.end() and drops the
 * encoding argument still sends the body's own bytes (SPEC R54); anything else, and anything
 * larger (the copy into a string would cost more than the second chunk), goes as the Buffer.
 */
const ONE_WRITE_MAX_BYTES = 16 * 1024;

/** Content-Length or Transfer-Encoding, in any case. */
function isFraming(name: string): boolean {
  const length = name.length;
  if (length !== 14 && length !== 17) return false;
  const lower = name.toLowerCase();
  return lower === 'content-length' || lower === 'transfer-encoding';
}

/**
 * Whether an extra header (x-request-id, CORS) replaces the function's header of this name.
 * Vary is a list (RFC 9110 §12.5.5): CORS's `Vary: Origin` adds to the function's, never replaces it.
 */
function replacedBy(extra: ReadonlyArray<readonly [string, string]>, name: string): boolean {
  for (const [own] of extra) {
    if (own.length === name.length && own.toLowerCase() === name.toLowerCase()) return own.toLowerCase() !== 'vary';
  }
  return false;
}
