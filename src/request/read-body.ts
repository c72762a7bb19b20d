// Reads a request body into bytes, decoded and capped (SPEC R23, R24), with raw-body's exact
// error modelling, as body-parser does.
import type { Readable, Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import getRawBody from 'raw-body';
import { HubSpotFunctionsError } from '../errors';

type RequestHeaders = Record<string, string | string[] | undefined>;

/** One header's value as a string (Node gives arrays only for set-cookie, but be exact). */
function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Whether a request carries a body: a positive Content-Length, or any Transfer-Encoding (RFC 9112
 * §6.3). A GET without either is never read, so it never waits on a stream.
 */
export function hasBody(req: { headers: RequestHeaders; method?: string }): boolean {
  if (headerValue(req.headers, 'transfer-encoding') !== undefined) return true;
  const length = headerValue(req.headers, 'content-length');
  return length !== undefined && Number(length) > 0;
}

/**
 * Whether a host body parser already read the stream (SPEC R23): the stream ended, or
 * body-parser marked it (`req._body`). `req.body` being defined proves nothing (Express 4 sets
 * `{}` without reading), and `complete` alone neither: the bytes may still wait in the buffer.
 */
export function streamConsumed(req: { readableEnded?: boolean; complete?: boolean; _body?: unknown }): boolean {
  if (req._body === true) return true;
  // A stream-like object without readableEnded (a test double): fall back to `complete`.
  return req.readableEnded === undefined ? req.complete === true : req.readableEnded;
}

function ignoreLateError(): void {}

/** RFC 9110 §8.4.1 content codings we decode; `x-gzip` is gzip (§8.4.1.3). */
function createDecoder(coding: string): Transform | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/** Turns raw-body's and zlib's errors into our codes: over the limit is 413, the rest 400. */
function toFunctionsError(err: unknown, limit: number): HubSpotFunctionsError {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') {
    return new HubSpotFunctionsError(
      'HSF_BODY_TOO_LARGE',
      `The request body is over the ${limit}-byte limit (SPEC R24); send less, or raise maxBodyBytes.`,
      { cause: err },
    );
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new HubSpotFunctionsError('HSF_BODY_READ_FAILED', `The request body could not be read: ${reason}.`, {
    cause: err,
  });
}

/**
 * Reads the whole body as bytes, decoding Content-Encoding (identity, gzip, deflate, br); the
 * limit applies to the decoded size (SPEC R24).
 * @throws HubSpotFunctionsError HSF_BODY_TOO_LARGE (413) or HSF_BODY_READ_FAILED (400)
 */
export async function readRawBody(
  req: Readable & { headers: RequestHeaders },
  limit: number,
): Promise<Buffer> {
  // Content-Encoding = #content-coding (RFC 9110 §8.4): codings in the order applied, so
  // decoding runs in reverse.
  const codings = (headerValue(req.headers, 'content-encoding') ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');

  const decoders: Transform[] = [];
  for (const coding of codings.reverse()) {
    const decoder = createDecoder(coding);
    if (decoder === null) {
      req.resume();
      throw new HubSpotFunctionsError(
        'HSF_BODY_READ_FAILED',
        `The request's Content-Encoding "${coding}" is not supported; use identity, gzip, deflate or br.`,
      );
    }
    decoders.push(decoder);
  }

  if (decoders.length === 0) {
    const length = headerValue(req.headers, 'content-length');
    try {
      return await getRawBody(req, { limit, length: length === undefined ? null : length });
    } catch (err) {
      // Drain what is left so the connection stays usable for the answer (body-parser does so).
      req.resume();
      throw toFunctionsError(err, limit);
    }
  }

  // Chain req → decoders. Errors upstream are forwarded downstream so raw-body settles; the
  // source request is never destroyed, since the host still has to answer on its socket.
  let source: Readable = req;
  for (const decoder of decoders) {
    // raw-body stops listening once it settles; a late zlib error must not become uncaught.
    decoder.on('error', ignoreLateError);
    const upstream = source;
    upstream.on('error', (err: Error) => decoder.destroy(err));
    if (upstream === req) {
      req.on('aborted', () => decoder.destroy(Object.assign(new Error('request aborted'), { type: 'request.aborted' })));
    }
    upstream.pipe(decoder);
    source = decoder;
  }
  try {
    return await getRawBody(source, { limit });
  } catch (err) {
    req.unpipe();
    for (const decoder of decoders) decoder.destroy();
    req.resume();
    throw toFunctionsError(err, limit);
  }
}
