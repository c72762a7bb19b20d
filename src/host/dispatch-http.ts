// HTTP in, HTTP out: translate a Node request (with what the framework already knows) into an
// endpoint invocation, and write exactly the pipeline's answer (SPEC R54).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FunctionDefinition } from '../definitions';
import { isFunctionsError } from '../errors';
import type { ResolvedOptions } from '../options';
import { classifyContentType } from '../request/content-type';
import { buildHeaders } from '../request/headers';
import { bodyFromParsed, parseBody } from '../request/parse-body';
import { hasBody, readRawBody, streamConsumed } from '../request/read-body';
import { writeErrorResponse } from '../response/write-error';
import { writeResponse } from '../response/write-response';
import type { RouteTable } from '../routing/route-table';
import type { createAppFunctionRoute } from './app-function-route';
import { buildCorsHeaders } from './cors';
import type { FunctionRegistry } from './function-registry';
import type { BodyInput, Pipeline } from './pipeline';

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

/** The JSON body of an app-function call: HubSpot's app-function context fields (SPEC R40). */
function appFunctionInput(body: unknown): { parameters?: unknown; propertiesToSend?: unknown; event?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  return { parameters: b.parameters, propertiesToSend: b.propertiesToSend, event: b.event };
}

export interface HttpDispatcher {
  dispatch(req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo): Promise<boolean>;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The leftmost X-Forwarded-For address, when the host trusts its proxy. */
function forwardedClient(req: IncomingMessage): string | undefined {
  const xff = firstHeader(req.headers['x-forwarded-for']);
  const first = xff?.split(',')[0]?.trim();
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

/** Creates the HTTP side of a host. */
export function createHttpDispatcher(deps: {
  options: ResolvedOptions;
  table: () => RouteTable;
  appFunctions: () => ReturnType<typeof createAppFunctionRoute> | null;
  registry: () => FunctionRegistry;
  pipeline: Pipeline;
  closed: () => boolean;
}): HttpDispatcher {
  const { options, pipeline } = deps;

  async function readBodyOf(req: IncomingMessage, info: FrameworkRequestInfo): Promise<BodyInput> {
    const kind = classifyContentType(firstHeader(req.headers['content-type']));
    if (streamConsumed(req)) {
      // SPEC R23: a host parser read the stream; reuse its bytes where it kept them.
      const parsed = info.parsedBody;
      const raw = parsed?.raw === undefined ? null : Buffer.isBuffer(parsed.raw) ? parsed.raw : Buffer.from(parsed.raw);
      if (raw !== null) return { ...parseBody(kind, raw), raw };
      return { ...bodyFromParsed(kind, parsed?.value), raw: null };
    }
    if (!hasBody(req)) return { body: {}, form: null, raw: Buffer.alloc(0) };
    const raw = await readRawBody(req, options.maxBodyBytes);
    return { ...parseBody(kind, raw), raw };
  }

  async function dispatchAppFunction(req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo, definition: FunctionDefinition): Promise<boolean> {
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const idHeader: Array<[string, string]> = [['x-request-id', requestId]];
    const origin = firstHeader(req.headers.origin);
    if (method === 'OPTIONS') {
      const cors = buildCorsHeaders(options.cors, origin, { allow: 'POST, OPTIONS', requestHeaders: firstHeader(req.headers['access-control-request-headers']) });
      writeResponse(res, { statusCode: 204, headers: [['Allow', 'POST, OPTIONS'], ...cors], body: Buffer.alloc(0) }, { head: true, extraHeaders: idHeader });
      return true;
    }
    const cors = buildCorsHeaders(options.cors, origin);
    const fn = deps.registry().functions.get(definition.id);
    if (fn === undefined) return false;
    let result;
    if (method !== 'POST') {
      result = pipeline.refuse({ requestId, code: 'HSF_METHOD_NOT_ALLOWED', message: `App functions are called with POST; got ${method}.`, method, endpoint: definition.name, functionId: definition.id, headers: [['Allow', 'POST, OPTIONS']] });
    } else {
      try {
        const input = appFunctionInput((await readBodyOf(req, info)).body);
        result = await pipeline.runAppFunction({ requestId, fn, input, request: info.request ?? req });
      } catch (error) {
        if (!isFunctionsError(error)) throw error;
        result = pipeline.refuse({ requestId, code: error.code, message: error.message, method, endpoint: definition.name, functionId: definition.id, status: error.status });
      }
    }
    writeResponse(res, result.response, { head: false, extraHeaders: [...idHeader, ...cors] });
    return true;
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, info: FrameworkRequestInfo): Promise<boolean> {
    const match = deps.table().matchPath(info.path);
    if (match === undefined) {
      const appFunction = deps.appFunctions()?.match(info.path);
      return appFunction === undefined ? false : dispatchAppFunction(req, res, info, appFunction);
    }
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = firstHeader(req.headers.origin);
    const idHeader: Array<[string, string]> = [['x-request-id', requestId]];

    if (deps.closed()) {
      const refused = pipeline.refuse({ requestId, code: 'HSF_CLOSED', message: 'hubspot-functions was closed and no longer runs functions.', method, endpoint: info.path });
      writeResponse(res, refused.response, { head: method === 'HEAD', extraHeaders: idHeader });
      return true;
    }
    if (method === 'OPTIONS') {
      // SPEC R13: OPTIONS answers 204 with Allow (and CORS when on) without running anything.
      const cors = buildCorsHeaders(options.cors, origin, {
        allow: match.allow,
        requestHeaders: firstHeader(req.headers['access-control-request-headers']),
      });
      writeResponse(res, { statusCode: 204, headers: [['Allow', match.allow], ...cors], body: Buffer.alloc(0) }, { head: true, extraHeaders: idHeader });
      return true;
    }
    const cors = buildCorsHeaders(options.cors, origin);
    const definition = match.definitions.get(method === 'HEAD' ? 'GET' : method);
    if (definition === undefined) {
      const any = match.definitions.values().next().value;
      const refused = pipeline.refuse({
        requestId,
        code: 'HSF_METHOD_NOT_ALLOWED',
        message: `${method} is not allowed on ${info.path}; allowed: ${match.allow}.`,
        method,
        endpoint: any?.endpoint ?? info.path,
        functionId: any?.id,
        headers: [['Allow', match.allow], ...cors],
      });
      writeResponse(res, refused.response, { head: method === 'HEAD', extraHeaders: idHeader });
      return true;
    }
    const fn = deps.registry().functions.get(definition.id);
    if (fn === undefined) return false;

    const originalUrl = info.originalUrl ?? req.url ?? info.path;
    const q = originalUrl.indexOf('?');
    const query = q === -1 ? '' : originalUrl.slice(q + 1);
    const clientIp = info.clientIp ?? (options.trustProxy ? forwardedClient(req) : undefined);
    const headers = buildHeaders(req, { remoteAddress: req.socket?.remoteAddress, trustedForwardedFor: clientIp });
    const result = await pipeline.runEndpoint({
      requestId,
      method,
      fn,
      query,
      headers,
      readBody: () => readBodyOf(req, info),
      request: info.request ?? req,
      url: options.rawBody ? absoluteUrl(req, originalUrl, options.trustProxy) : '',
      extraHeaders: cors,
    });
    const extra = result.response.statusCode === 413 ? [...idHeader, ['Connection', 'close'] as [string, string]] : idHeader;
    writeResponse(res, result.response, { head: method === 'HEAD', extraHeaders: extra });
    return true;
  }

  return {
    async dispatch(req, res, info): Promise<boolean> {
      try {
        return await dispatch(req, res, info);
      } catch (error) {
        // A bug of ours must cost one request, never the host app (issue #2).
        if (!res.headersSent) {
          const message = `hubspot-functions failed: ${error instanceof Error ? error.message : String(error)}`;
          writeErrorResponse(res, { code: 'HSF_FUNCTION_ERROR', message, status: 500 }, randomUUID(), { production: process.env.NODE_ENV === 'production' });
        } else {
          res.destroy();
        }
        return true;
      }
    },
  };
}
