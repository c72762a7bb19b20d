// Request headers as a function sees them (SPEC R25): lower-cased names, repeated values joined,
// client-address headers filled in, and case-insensitive reads on the function's side.

/** What the host knows about the client (SPEC R25). */
export interface ClientAddress {
  /** The socket's peer address. */
  remoteAddress: string | undefined;
  /** The client ip the host computed from X-Forwarded-For, only when proxies are trusted. */
  trustedForwardedFor?: string;
}

/** Adds a property without invoking the `__proto__` setter of a plain object (a header may be named so). */
function defineHeader(headers: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    headers[name] = value;
  }
}

/** `::ffff:1.2.3.4` is an IPv4 client on a dual-stack socket; HubSpot's edge reports `1.2.3.4`. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * Builds the plain, structured-clonable headers object of a request (SPEC R25).
 * @param req Anything with Node's `rawHeaders` (name, value, name, value, ...).
 * @example buildHeaders({ rawHeaders: ['X-A', '1', 'x-a', '2'] }, { remoteAddress: '10.0.0.1' })
 */
export function buildHeaders(
  req: { rawHeaders: string[] },
  client: ClientAddress,
): Record<string, string> {
  const headers: Record<string, string> = {};
  let authority: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (name.charCodeAt(0) === 58 /* ':' */) {
      // HTTP/2 pseudo-headers are not headers; `:authority` stands in for Host (RFC 9113 §8.3.1).
      if (name === ':authority') authority = value;
      continue;
    }
    if (Object.hasOwn(headers, name)) {
      // SPEC R25: repeated values joined with ', ' (RFC 9110 §5.3). Cookie is the exception:
      // RFC 6265 §5.4 allows one Cookie header whose pairs are separated by '; ', and RFC 9113
      // §8.2.3 says split cookie fields must be rejoined with '; ' so the result still parses.
      defineHeader(headers, name, headers[name] + (name === 'cookie' ? '; ' : ', ') + value);
    } else {
      defineHeader(headers, name, value);
    }
  }
  if (authority !== undefined && !Object.hasOwn(headers, 'host')) headers.host = authority;

  // SPEC R25: HubSpot's edge always sends these; fill them from what the host saw. Behind a
  // trusted proxy the host's computed client ip is the visitor, not the proxy.
  const remote = client.remoteAddress === undefined ? undefined : normalizeAddress(client.remoteAddress);
  const clientIp = client.trustedForwardedFor === undefined ? remote : normalizeAddress(client.trustedForwardedFor);
  if (!Object.hasOwn(headers, 'true-client-ip') && clientIp !== undefined) headers['true-client-ip'] = clientIp;
  if (!Object.hasOwn(headers, 'x-forwarded-for') && remote !== undefined) headers['x-forwarded-for'] = remote;
  return headers;
}

/** Resolves a property name to the own key that holds it: exact first, then lower-cased. */
function resolveKey(target: Record<string, string>, prop: string): string | undefined {
  if (Object.hasOwn(target, prop)) return prop;
  const lower = prop.toLowerCase();
  return lower !== prop && Object.hasOwn(target, lower) ? lower : undefined;
}

const VIEW_HANDLER: ProxyHandler<Record<string, string>> = {
  get(target, prop, receiver): unknown {
    if (typeof prop === 'string') {
      const key = resolveKey(target, prop);
      if (key !== undefined) return target[key];
    }
    return Reflect.get(target, prop, receiver) as unknown;
  },
  has(target, prop) {
    if (typeof prop === 'string' && resolveKey(target, prop) !== undefined) return true;
    return Reflect.has(target, prop);
  },
  getOwnPropertyDescriptor(target, prop) {
    const key = typeof prop === 'string' ? resolveKey(target, prop) : undefined;
    return Reflect.getOwnPropertyDescriptor(target, key ?? prop);
  },
  set(target, prop, value) {
    // Writes land on the lower-cased name so the view keeps one key per header.
    if (typeof prop === 'string') {
      defineHeader(target, resolveKey(target, prop) ?? prop.toLowerCase(), value as string);
      return true;
    }
    return Reflect.set(target, prop, value);
  },
  deleteProperty(target, prop) {
    const key = typeof prop === 'string' ? resolveKey(target, prop) : undefined;
    return Reflect.deleteProperty(target, key ?? prop);
  },
};

/**
 * Wraps lower-cased headers so reads are case-insensitive (`headers.Cookie` finds `cookie`),
 * while keys, `in`, JSON and spread see the plain lower-cased object (SPEC R25).
 */
export function createHeadersView(headers: Record<string, string>): Record<string, string> {
  return new Proxy(headers, VIEW_HANDLER);
}
