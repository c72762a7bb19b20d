// Writes a mapped response byte for byte (SPEC R54): straight through writeHead/end, so neither
// Express nor Koa adds an ETag, answers 304 or sniffs a content type.
import type { ServerResponse } from 'node:http';
import type { MappedResponse } from '../definitions';

/** Options of writeResponse. */
export interface WriteResponseOptions {
  /** A HEAD request: headers (Content-Length included) without the body (SPEC R13). */
  head: boolean;
  /** Headers the core adds (x-request-id, CORS); they replace the function's of the same name. */
  extraHeaders?: Array<[string, string]>;
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
  let extraNames: Set<string> | null = null;
  if (extra.length > 0) {
    extraNames = new Set();
    // Vary is a list (RFC 9110 §12.5.5): CORS's `Vary: Origin` adds to the function's, never replaces it.
    for (const [name] of extra) if (name.toLowerCase() !== 'vary') extraNames.add(name.toLowerCase());
  }
  const noBody = forbidsBody(response.statusCode);

  const pairs: Array<[string, string]> = [];
  for (const pair of response.headers) {
    const lower = pair[0].toLowerCase();
    // The writer owns framing: a function's own Content-Length or Transfer-Encoding could
    // contradict the bytes and desynchronise the connection.
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (extraNames !== null && extraNames.has(lower)) continue;
    pairs.push(pair);
  }
  for (const pair of extra) pairs.push(pair);
  if (!noBody) pairs.push(['content-length', String(response.body.length)]);

  if (res.getHeaderNames().length === 0) {
    // Fast path: writeHead's flat [name, value, ...] list is written as is, in order, duplicates kept.
    const flat: string[] = [];
    for (const [name, value] of pairs) flat.push(name, value);
    res.writeHead(response.statusCode, flat);
  } else {
    // The host set headers (Express's X-Powered-By, its own middleware): they stay unless the
    // function sets the same name. Node 20's writeHead would setHeader each pair and keep only
    // the last Set-Cookie, so remove the names first, then append each line.
    for (const [name] of pairs) res.removeHeader(name);
    // A host's framing headers would be wrong for this body.
    res.removeHeader('content-length');
    res.removeHeader('transfer-encoding');
    for (const [name, value] of pairs) res.appendHeader(name, value);
    res.writeHead(response.statusCode);
  }
  if (options.head || noBody) res.end();
  else res.end(response.body);
}
