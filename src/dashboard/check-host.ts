// Which requests the dashboard answers (issue #10 item 2). DNS rebinding: a page on evil.example
// rebinds its own name to 127.0.0.1 and then reads the dashboard as same-origin, but its browser
// still sends `Host: evil.example`; so the dashboard answers loopback names (which no DNS answer
// can give an attacker: browsers resolve `localhost` and `*.localhost` themselves) and the names
// the operator lists. A cross-site page's own requests carry its `Origin`: refused as well.
import { isIPv4 } from 'node:net';

/**
 * Whether a header value holds something that is not part of `host[:port]` and would change what
 * `http://<value>` means: userinfo (`@`), a path, query or fragment, percent-escapes, spaces, or
 * non-ASCII (browsers send IDNs as punycode).
 */
function hasForeignCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // RFC 9110 §7.2: Host = uri-host [ ":" port ]; the WHATWG URL parser decides the rest.
    if (c <= 0x20 || c >= 0x7f || c === 0x2f || c === 0x5c || c === 0x40 || c === 0x3f || c === 0x23 || c === 0x25) return true;
  }
  return false;
}

/** `http://<host>` parsed, or null when `host` is not a `host[:port]`. */
function parseHost(host: string | undefined, scheme = 'http:'): URL | null {
  if (host === undefined || host === '' || hasForeignCharacter(host)) return null;
  try {
    return new URL(`${scheme}//${host}`);
  } catch {
    return null;
  }
}

/**
 * The host name of a `Host` header (or an `allowedHosts` entry), canonical as a browser writes it:
 * lower case, IPv4 in dotted decimal, IPv6 compressed in brackets, without a trailing dot or the
 * port; null when the value is not a `host[:port]`.
 */
export function hostnameOf(host: string | undefined): string | null {
  const url = parseHost(host);
  if (url === null || url.hostname === '') return null;
  return url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
}

/** localhost, *.localhost (RFC 6761 §6.3), 127.0.0.0/8 and [::1]. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' ||
    (hostname.startsWith('127.') && isIPv4(hostname));
}

/**
 * Whether the dashboard answers a request with this `Host` header: a loopback name or address, or
 * one of `allowedHosts` (canonical names; `.example.com` takes the domain and its subdomains).
 * A missing or malformed Host is refused.
 */
export function isAllowedHost(host: string | undefined, allowedHosts: readonly string[]): boolean {
  const hostname = hostnameOf(host);
  if (hostname === null) return false;
  if (isLoopback(hostname)) return true;
  for (const entry of allowedHosts) {
    if (entry.startsWith('.') ? hostname === entry.slice(1) || hostname.endsWith(entry) : hostname === entry) return true;
  }
  return false;
}

/**
 * Whether an `Origin` header is absent or names the request's own `Host` (host and port, the
 * port's default taken from the Origin's scheme). `null` (an opaque origin) is cross-site.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false;
  }
  if (from.origin === 'null') return false;
  const own = parseHost(host, from.protocol);
  return own !== null && own.host === from.host;
}
