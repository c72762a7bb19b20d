// The one seam (issue #12): an HTTP request, or an invoke() call, becomes a plain endpoint
// request here, and nothing after this module knows where it came from. The pipeline takes it
// whole: it never reads a stream or calls back into the HTTP edge.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { HubSpotFunctionsError } from '../errors';
import { isFunctionsError } from '../errors';
import type { Contact } from '../types';
import { buildHeaders } from './headers';
import { hasBody, readRawBody, streamConsumed } from './read-body';

/** The body of a request, as bytes or as the value a host parser already made of them (SPEC R23). */
export type RequestBody =
  | { readonly type: 'bytes'; readonly bytes: Buffer }
  | { readonly type: 'parsed'; readonly value: unknown; readonly bytes: Buffer | null }
  /** The body could not be read: too large (413), aborted or badly encoded (400). */
  | { readonly type: 'unreadable'; readonly error: HubSpotFunctionsError };

/** A request as the pipeline takes it, whatever it came from. */
export interface EndpointRequest {
  readonly requestId: string;
  /** Upper-case, as received: HEAD is kept (the function sees GET, SPEC R13). */
  readonly method: string;
  /** The path routed on (mount-relative), as sent, without the query (SPEC R11). */
  readonly path: string;
  /** The query string without its `?`, as sent. */
  readonly query: string;
  /** Lower-cased names, repeated values joined, client headers filled in (SPEC R25). */
  readonly headers: Record<string, string>;
  readonly body: RequestBody;
  /** The client's address as the host sees it (its trust-proxy setting honoured, SPEC R25). */
  readonly clientAddress: string | undefined;
  /** The absolute URL as the client sent it, for `context.url` with `rawBody` (else ''). */
  readonly url: string;
  /** The framework's own request object, for the `contact` and `accountId` hooks. */
  readonly request: unknown;
  /** A contact given directly (invoke's input): replaces the `contact` hook's answer. */
  readonly contact?: Contact | null;
}

/** What an adapter knows about a request that Node's own object does not say. */
export interface FrameworkRequestInfo {
  /** The path to route on, relative to where the middleware is mounted, without the query. */
  path: string;
  /** The URL as the client sent it (Express `req.originalUrl`, Koa `ctx.originalUrl`). @default req.url */
  originalUrl?: string;
  /** A body a host parser already read: its value, and its bytes where it kept them (SPEC R23). */
  parsedBody?: { value: unknown; raw?: Buffer | string };
  /** The client address as the framework sees it, honouring its own trust-proxy setting (SPEC R25). */
  clientIp?: string;
  /** The framework's request object, passed to the `contact` and `accountId` hooks. @default req */
  request?: unknown;
}

/** The options translation reads. */
export interface TranslateOptions {
  readonly maxBodyBytes: number;
  readonly rawBody: boolean;
  readonly trustProxy: boolean;
}

const NO_BYTES = Buffer.alloc(0);
const EMPTY_BODY: RequestBody = Object.freeze({ type: 'bytes', bytes: NO_BYTES });

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The leftmost X-Forwarded-For address, when the host trusts its proxy. */
function forwardedClient(req: IncomingMessage): string | undefined {
  const first = firstHeader(req.headers['x-forwarded-for'])?.split(',')[0]?.trim();
  return first || undefined;
}

function absoluteUrl(req: IncomingMessage, originalUrl: string, trustProxy: boolean): string {
  const encrypted = Boolean((req.socket as TLSSocket | undefined)?.encrypted);
  let proto = encrypted ? 'https' : 'http';
  let host = firstHeader(req.headers.host) ?? 'localhost';
  if (trustProxy) {
    proto = firstHeader(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim() || proto;
    host = firstHeader(req.headers['x-forwarded-host'])?.split(',')[0]?.trim() || host;
  }
  return `${proto}://${host}${originalUrl}`;
}

/** A body a host parser already read (SPEC R23): its bytes where it kept them. */
function parsedBody(info: FrameworkRequestInfo): RequestBody {
  const parsed = info.parsedBody;
  const raw = parsed?.raw;
  const bytes = raw === undefined ? null : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  return { type: 'parsed', value: parsed?.value, bytes };
}

function unreadable(error: unknown): RequestBody {
  // readRawBody only fails with our own codes; anything else is a bug and goes to the edge.
  if (!isFunctionsError(error)) throw error;
  return { type: 'unreadable', error };
}

/**
 * HTTP in: a Node request and what the framework knows of it. The body is read (decoded and
 * capped, SPEC R23, R24) only when `withBody`: a request refused before running keeps its stream
 * unread. Synchronous unless there is a body to read from the stream.
 */
export function fromHttpRequest(
  req: IncomingMessage,
  info: FrameworkRequestInfo,
  requestId: string,
  options: TranslateOptions,
  withBody: boolean,
): EndpointRequest | Promise<EndpointRequest> {
  const originalUrl = info.originalUrl ?? req.url ?? info.path;
  const q = originalUrl.indexOf('?');
  const clientAddress = info.clientIp ?? (options.trustProxy ? forwardedClient(req) : undefined);
  const request = {
    requestId,
    method: req.method === undefined ? 'GET' : req.method.toUpperCase(),
    path: info.path,
    query: q === -1 ? '' : originalUrl.slice(q + 1),
    headers: buildHeaders(req, { remoteAddress: req.socket?.remoteAddress, trustedForwardedFor: clientAddress }),
    body: EMPTY_BODY,
    clientAddress: clientAddress ?? req.socket?.remoteAddress,
    url: options.rawBody ? absoluteUrl(req, originalUrl, options.trustProxy) : '',
    request: info.request ?? req,
  };
  if (!withBody) return request;
  if (streamConsumed(req)) return { ...request, body: parsedBody(info) };
  if (!hasBody(req)) return request;
  return readRawBody(req, options.maxBodyBytes).then(
    (bytes): EndpointRequest => ({ ...request, body: { type: 'bytes', bytes } }),
    (error: unknown): EndpointRequest => ({ ...request, body: unreadable(error) }),
  );
}

/** What invoke() is given for an endpoint (SPEC R40): the HTTP parts of a request, as data. */
export interface InvokeRequestInput {
  method: string;
  headers?: Record<string, string | string[]>;
  /** A Buffer is sent as bytes; any other value as JSON. */
  body?: unknown;
  /** The body is handed over as the parsed JSON value itself, as a host body parser would (no bytes). */
  parsed?: boolean;
  contact?: Contact | null;
}

/**
 * invoke() in: the same request an HTTP client would send, from a loopback address (SPEC R25):
 * a JSON body gets its content type, a Host header is added when none is given.
 */
export function fromInvoke(path: string, query: string, input: InvokeRequestInput, requestId: string): EndpointRequest {
  const rawHeaders: string[] = [];
  const given = new Set<string>();
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    given.add(name.toLowerCase());
    for (const v of Array.isArray(value) ? value : [value]) rawHeaders.push(name, String(v));
  }
  let bytes: Buffer = NO_BYTES;
  if (input.parsed === true) {
    rawHeaders.push('content-type', 'application/json');
  } else if (input.body !== undefined) {
    const binary = Buffer.isBuffer(input.body);
    bytes = binary ? (input.body as Buffer) : Buffer.from(JSON.stringify(input.body));
    if (!given.has('content-type')) rawHeaders.push('content-type', binary ? 'application/octet-stream' : 'application/json');
    rawHeaders.push('content-length', String(bytes.length));
  }
  if (!given.has('host')) rawHeaders.push('host', 'localhost');
  const headers = buildHeaders({ rawHeaders }, { remoteAddress: '127.0.0.1' });
  return {
    requestId,
    method: input.method.toUpperCase(),
    path,
    query,
    headers,
    body: input.parsed === true ? { type: 'parsed', value: input.body, bytes: null } : { type: 'bytes', bytes },
    clientAddress: '127.0.0.1',
    url: `http://${headers.host ?? 'localhost'}${path}${query ? `?${query}` : ''}`,
    request: undefined,
    ...(input.contact !== undefined ? { contact: input.contact } : {}),
  };
}
