// Global `fetch`, patched (issue #13). Node's fetch is undici's, which never touches `http`, so it
// has two layers of its own: a wrapper of `globalThis.fetch` records each call (one entry per
// fetch(), redirects followed inside it, from the call to its response's headers); a dispatcher
// put in front of undici's global one routes every request fetch sends, each redirect hop
// included: to the target origin, or refused (fetch then rejects with `TypeError: fetch failed`,
// the refusal as its cause, as for any network error). Refusing there, where a request would
// really go out, and not in the wrapper, lets an in-process mock (msw, nock) that patched fetch
// before us still answer first. The dispatcher is put in place on the first routed call: undici
// loads lazily (~35 ms), and a function that never fetches never pays for it.
import { currentOutboundSink, outboundDeniedError, policyFor } from './outbound-context';
import { routeOutbound } from './outbound-policy';
import { describeFailure } from './outbound-recorder';

/** Where undici keeps its global dispatcher (the key every undici version shares, Node's own included). */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** The part of undici's Dispatcher that fetch uses. */
interface Dispatcher {
  dispatch(options: { origin?: string | URL; path?: string; headers?: unknown }, handler: unknown): boolean;
  close?(...args: unknown[]): unknown;
  destroy?(...args: unknown[]): unknown;
}

type Fetch = typeof globalThis.fetch;

/** Patches `globalThis.fetch` (when there is one); answers the function that puts it back. */
export function patchFetch(): () => void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return () => undefined;
  const global = globalThis as unknown as Record<symbol, Dispatcher | undefined>;
  let routing: { inner: Dispatcher; outer: Dispatcher } | null = null;

  /** Puts the routing dispatcher in front of undici's global one (again, if something replaced it). */
  const routeGlobalDispatcher = (): void => {
    // Undici creates its global Agent when it loads; Headers loads it without sending anything.
    if (global[GLOBAL_DISPATCHER] === undefined) void new Headers();
    const current = global[GLOBAL_DISPATCHER];
    if (current === undefined || typeof current.dispatch !== 'function' || current === routing?.outer) return;
    routing = { inner: current, outer: routingDispatcher(current) };
    global[GLOBAL_DISPATCHER] = routing.outer;
  };

  const fetch = function fetch(input: Parameters<Fetch>[0], init?: RequestInit): Promise<Response> {
    const sink = currentOutboundSink();
    const policy = policyFor(sink);
    if (sink === null && policy === null) return original(input, init);
    const request = typeof input === 'object' && input !== null && !(input instanceof URL) && typeof input.url === 'string' ? input : null;
    const url = request === null ? String(input) : request.url;
    const method = String(init?.method ?? request?.method ?? 'GET').toUpperCase();
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      // fetch() rejects it itself.
    }
    const routable = parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
    const route = policy === null || !routable ? 'pass' : routeOutbound(policy, parsed!.origin, parsed!.hostname);
    const index = sink === null ? -1 : sink.startOutbound(method, url, typeof route === 'object' ? route.target : undefined);
    let args = init;
    if (policy !== null) {
      routeGlobalDispatcher();
      const own = (init as { dispatcher?: Dispatcher } | undefined)?.dispatcher;
      if (own !== undefined) args = { ...init, dispatcher: routingDispatcher(own) } as RequestInit;
    }
    let pending: Promise<Response>;
    try {
      pending = original(input, args);
    } catch (error) {
      sink?.endOutbound(index, null, describeFailure(error));
      throw error;
    }
    if (sink === null || index < 0) return pending;
    return pending.then(
      (response) => {
        sink.endOutbound(index, response.status, undefined);
        return response;
      },
      (error: unknown) => {
        sink.endOutbound(index, null, describeFailure(error));
        throw error;
      },
    );
  } as Fetch;

  globalThis.fetch = fetch;
  return () => {
    if (globalThis.fetch === fetch) globalThis.fetch = original;
    if (routing !== null && global[GLOBAL_DISPATCHER] === routing.outer) global[GLOBAL_DISPATCHER] = routing.inner;
    routing = null;
  };
}

/** A dispatcher that routes each request by the policy of the invocation it runs for, then hands it to `inner`. */
function routingDispatcher(inner: Dispatcher): Dispatcher {
  return {
    dispatch(options, handler) {
      const policy = policyFor(currentOutboundSink());
      if (policy === null || options.origin === undefined) return inner.dispatch(options, handler);
      let origin: URL;
      try {
        origin = new URL(String(options.origin));
      } catch {
        return inner.dispatch(options, handler);
      }
      if (origin.protocol !== 'http:' && origin.protocol !== 'https:') return inner.dispatch(options, handler);
      const route = routeOutbound(policy, origin.origin, origin.hostname);
      if (route === 'pass') return inner.dispatch(options, handler);
      // fetch turns a throw here into `TypeError: fetch failed` with this error as its cause.
      if (route === 'deny') throw outboundDeniedError(`${origin.origin}${options.path ?? ''}`, origin.origin);
      // Undici sets Host from the origin; one the caller set would name the old one.
      return inner.dispatch({ ...options, origin: route.target, headers: withoutHost(options.headers) }, handler);
    },
    close: (...args) => inner.close?.(...args),
    destroy: (...args) => inner.destroy?.(...args),
  };
}

/** Undici's headers (an object or a flat [name, value, ...] array) without Host. */
function withoutHost(headers: unknown): unknown {
  if (Array.isArray(headers)) {
    const out: unknown[] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() !== 'host') out.push(headers[i], headers[i + 1]);
    }
    return out;
  }
  if (typeof headers !== 'object' || headers === null || Symbol.iterator in headers) return headers;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'host') out[name] = value;
  return out;
}
