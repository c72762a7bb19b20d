// `http.request`, `http.get`, `https.request` and `https.get`, patched (issue #13). Every client
// built on Node's ClientRequest goes through them when it sends (axios through follow-redirects,
// node-fetch, request, @hubspot/api-client through node-fetch), because each looks the function up
// on the module object at call time. A call is recorded from its start to its response's
// headers (or its error); a rewritten one is sent to the target origin with the same method,
// path, query, headers and body, Host set to the target; a denied one fails where it would
// connect (its lookup, or its socket), so the request emits `error` as for ENOTFOUND or
// ECONNREFUSED, with a message that says why, and a mock that answers without connecting still can.
import http from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import https from 'node:https';
import { Socket } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { currentOutboundSink, outboundDeniedError, policyFor } from './outbound-context';
import type { OutboundSink } from './outbound-context';
import { routeOutbound } from './outbound-policy';
import { describeFailure } from './outbound-recorder';

type RequestFunction = (...args: unknown[]) => ClientRequest;
type Options = RequestOptions & { _defaultAgent?: unknown; servername?: string };

/** One call as the arguments of `request(url?, options?, callback?)` describe it. */
interface HttpCall {
  method: string;
  /** What the record shows: the origin and the path, no userinfo. */
  url: string;
  /** Normalized; null for a Unix socket (never routed). */
  origin: string | null;
  hostname: string;
}

/** The arguments merged as ClientRequest merges them: what a rewritten or refused call is sent with. */
interface RequestArgs {
  options: Options;
  callback: unknown;
}

/** Patches the four functions; answers the function that puts Node's back (unless someone patched over ours). */
export function patchHttpModules(): () => void {
  const originals = {
    'http:': http.request as unknown as RequestFunction,
    'https:': https.request as unknown as RequestFunction,
  };
  const httpGet = http.get;
  const httpsGet = https.get;
  const httpRequest = patchedRequest('http:', originals);
  const httpsRequest = patchedRequest('https:', originals);
  const patchedHttpGet = patchedGet(httpRequest);
  const patchedHttpsGet = patchedGet(httpsRequest);
  const modules = http as unknown as Record<string, unknown>;
  const secure = https as unknown as Record<string, unknown>;
  modules.request = httpRequest;
  modules.get = patchedHttpGet;
  secure.request = httpsRequest;
  secure.get = patchedHttpsGet;
  return () => {
    if (modules.request === httpRequest) modules.request = originals['http:'];
    if (modules.get === patchedHttpGet) modules.get = httpGet;
    if (secure.request === httpsRequest) secure.request = originals['https:'];
    if (secure.get === patchedHttpsGet) secure.get = httpsGet;
  };
}

function patchedGet(request: RequestFunction): RequestFunction {
  // What Node's own get() does: request(), then end().
  return function get(this: unknown, ...args: unknown[]): ClientRequest {
    const req = request.apply(this, args);
    req.end();
    return req;
  };
}

function patchedRequest(protocol: 'http:' | 'https:', originals: Record<'http:' | 'https:', RequestFunction>): RequestFunction {
  const own = originals[protocol];
  return function request(this: unknown, ...args: unknown[]): ClientRequest {
    const sink = currentOutboundSink();
    const policy = policyFor(sink);
    // The host's own calls (inline isolation, outside any invocation): untouched.
    if (sink === null && policy === null) return own.apply(this, args);
    const call = readCall(args, protocol);
    // Arguments Node will refuse: let it throw its own error.
    if (call === null) return own.apply(this, args);
    const route = policy === null || call.origin === null ? 'pass' : routeOutbound(policy, call.origin, call.hostname);
    const index = sink === null ? -1 : sink.startOutbound(call.method, call.url, typeof route === 'object' ? route.target : undefined);
    let req: ClientRequest;
    try {
      if (route === 'pass') req = own.apply(this, args);
      else {
        const { options, callback } = mergeArgs(args)!;
        if (route === 'deny') req = own.call(this, refusedOptions(options, outboundDeniedError(call.url, call.origin!)), callback);
        else {
          const target = new URL(route.target);
          req = originals[target.protocol as 'http:' | 'https:'].call(this, rewrittenOptions(options, target), callback);
        }
      }
    } catch (error) {
      sink?.endOutbound(index, null, describeFailure(error));
      throw error;
    }
    if (sink !== null && index >= 0) track(req, sink, index);
    return req;
  };
}

/** Option names that override a part of the URL argument. */
const URL_PARTS = ['protocol', 'host', 'hostname', 'port', 'path', 'socketPath', 'defaultPort'];

/** The call the arguments describe (a URL string or object, options, a callback); null when they do not parse. */
function readCall(args: unknown[], defaultProtocol: 'http:' | 'https:'): HttpCall | null {
  const [input, options] = args;
  // The common case, `request(url, { method, headers, agent }, callback)`: one URL parse, no copy.
  if ((typeof input === 'string' || input instanceof URL) && !(typeof options === 'object' && options !== null && URL_PARTS.some((part) => part in options))) {
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
    } catch {
      return null;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const method = typeof options === 'object' && options !== null && typeof (options as Options).method === 'string' ? (options as Options).method!.toUpperCase() : 'GET';
    return { method, url: `${url.origin}${url.pathname}${url.search}`, origin: url.origin, hostname: url.hostname };
  }
  const merged = mergeArgs(args)?.options;
  if (merged === undefined) return null;
  const agent = merged.agent as { protocol?: unknown; defaultPort?: unknown } | undefined | false;
  const protocol = typeof merged.protocol === 'string' ? merged.protocol : agent && typeof agent.protocol === 'string' ? agent.protocol : defaultProtocol;
  const method = typeof merged.method === 'string' ? merged.method.toUpperCase() : 'GET';
  const path = typeof merged.path === 'string' ? merged.path : '/';
  if (typeof merged.socketPath === 'string') return { method, url: `unix:${merged.socketPath}:${path}`, origin: null, hostname: 'localhost' };
  const hostname = String(merged.hostname ?? merged.host ?? 'localhost');
  const port = merged.port ?? merged.defaultPort ?? (agent && typeof agent.defaultPort === 'number' ? agent.defaultPort : undefined);
  let origin: string;
  try {
    const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
    origin = new URL(`${protocol}//${host}${port === undefined || port === null || port === '' ? '' : `:${port}`}`).origin;
  } catch {
    return null;
  }
  if (origin === 'null') return null;
  return { method, url: `${origin}${path.startsWith('/') ? '' : '/'}${path}`, origin, hostname };
}

/** The arguments merged as ClientRequest merges them (URL parts, then options); null when the URL does not parse. */
function mergeArgs(args: unknown[]): RequestArgs | null {
  const input = args[0];
  let options = args[1];
  let callback = args[2];
  let base: Options | null = null;
  try {
    if (typeof input === 'string') base = urlToHttpOptions(new URL(input));
    else if (input instanceof URL) base = urlToHttpOptions(input);
    else {
      callback = options;
      options = input;
    }
  } catch {
    return null;
  }
  if (typeof options === 'function') return { options: { ...(base ?? {}) }, callback: options };
  return { options: { ...(base ?? {}), ...((options ?? {}) as Options) }, callback };
}

/**
 * A denied call, refused where it would really go out, so that an in-process mock (nock, msw)
 * still answers what it mocks: the host name's DNS lookup fails with `error` (as ENOTFOUND
 * would), which also holds when a mock passes an unmocked request on; and when the request
 * connects as Node's own agents do, its socket fails at once too (an IP address needs no lookup).
 */
function refusedOptions(options: Options, error: Error): Options {
  const refused: Options = { ...options, lookup: (_host, _options, callback) => process.nextTick(() => (callback as (e: Error) => void)(error)) };
  if (!usesNodeConnection(options)) return refused;
  return {
    ...refused,
    agent: undefined,
    createConnection: () => {
      const socket = new Socket();
      process.nextTick(() => socket.destroy(error));
      return socket;
    },
  };
}

/** Whether the request connects the way Node's own agents do (no createConnection or agent of the caller's own). */
function usesNodeConnection(options: Options): boolean {
  if (typeof options.createConnection === 'function') return false;
  const agent = options.agent as { createConnection?: unknown } | undefined | null | false;
  if (agent === undefined || agent === null || agent === false) return true;
  return agent.createConnection === http.Agent.prototype.createConnection || agent.createConnection === https.Agent.prototype.createConnection;
}

/**
 * The same request, to `target`: its protocol, host and port, the Host header set to it, and an
 * agent only when the caller's speaks the target's protocol (an https.Agent cannot carry an
 * http: request). TLS options stay: a plain-http target ignores them.
 */
function rewrittenOptions(options: Options, target: URL): Options {
  const protocol = target.protocol;
  const hostname = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const port = target.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(target.port);
  const next: Options = { ...options, protocol, hostname, host: hostname, port, headers: withHost(options.headers, target.host) as Options['headers'] };
  delete next.servername;
  delete next.defaultPort;
  delete next._defaultAgent;
  const agent = next.agent as { protocol?: unknown } | undefined | false;
  if (agent && agent.protocol !== protocol) next.agent = undefined;
  return next;
}

/** The headers (an object or a flat [name, value, ...] array) with Host replaced. */
function withHost(headers: unknown, host: string): Record<string, unknown> | string[] {
  if (Array.isArray(headers)) {
    const pairs = headers as unknown[];
    const out: string[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      if (String(pairs[i]).toLowerCase() !== 'host') out.push(String(pairs[i]), String(pairs[i + 1]));
    }
    out.push('Host', host);
    return out;
  }
  const out: Record<string, unknown> = {};
  if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'host') out[name] = value;
  }
  out.host = host;
  return out;
}

/**
 * Ends the call's entry at its response (or upgrade), its error, or a close without either. The
 * request's own emit is wrapped rather than listened to: an `error` listener of ours would
 * swallow errors nobody handles, and a `response` listener would keep unread responses alive.
 */
function track(req: ClientRequest, sink: OutboundSink, index: number): void {
  const emit = req.emit.bind(req);
  req.emit = function (event: string | symbol, ...rest: unknown[]): boolean {
    if (event === 'response' || event === 'upgrade') sink.endOutbound(index, (rest[0] as IncomingMessage).statusCode ?? null, undefined);
    else if (event === 'error') sink.endOutbound(index, null, describeFailure(rest[0]));
    else if (event === 'close') sink.endOutbound(index, null, 'the request was closed before a response came');
    return emit(event, ...rest);
  } as ClientRequest['emit'];
}
