// Where a function's outbound HTTP(S) call goes (issue #13): to the origin it named, to the
// target origin `outbound.rewrite` lists for it, or nowhere (`outbound.deny`, for hermetic tests).
// Plain data, so the policy crosses into a worker thread or a child process unchanged.
import { isIP } from 'node:net';

/** The `outbound` option with its defaults filled; null in ResolvedOptions when it changes nothing. */
export interface ResolvedOutbound {
  /** Normalized origin → normalized origin (`https://api.hubapi.com` → `http://127.0.0.1:4010`). */
  readonly rewrite: Readonly<Record<string, string>>;
  /** A call to an origin that is not rewritten fails fast inside the function. */
  readonly deny: boolean;
  /** Under `deny`, loopback hosts (`localhost`, 127.0.0.0/8, `::1`) are still allowed. */
  readonly allowLoopback: boolean;
}

/** Where one call goes: on, to a target origin, or refused. */
export type OutboundRoute = 'pass' | 'deny' | { readonly target: string };

const PASS: OutboundRoute = 'pass';
const DENY: OutboundRoute = 'deny';

/**
 * The normalized origin of `text` when it is exactly an origin, `http(s)://host[:port]` (one
 * trailing slash allowed), else null: lower-case scheme and host, no default port, IPv6 in
 * brackets, as the WHATWG URL parser serializes them.
 * @example
 * parseOrigin('https://API.hubapi.com:443/'); // 'https://api.hubapi.com'
 * parseOrigin('https://api.hubapi.com/crm'); // null
 */
export function parseOrigin(text: unknown): string | null {
  if (typeof text !== 'string' || !/^https?:\/\/[^/?#@\s\\]+\/?$/i.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return null;
  return url.origin;
}

/** Whether a host name is a loopback one: `localhost`, 127.0.0.0/8, `::1` (bracketed or not). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === 'localhost.') return true;
  const kind = isIP(lower);
  if (kind === 4) return lower.startsWith('127.');
  if (kind === 6) return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
  return false;
}

/**
 * Where a call to `origin` (normalized, as parseOrigin returns it) on `hostname` goes under
 * `policy`. Only http: and https: origins are ever routed; `data:` and the like pass.
 */
export function routeOutbound(policy: ResolvedOutbound, origin: string, hostname: string): OutboundRoute {
  if (Object.hasOwn(policy.rewrite, origin)) return { target: policy.rewrite[origin] };
  if (!policy.deny) return PASS;
  if (policy.allowLoopback && isLoopbackHost(hostname)) return PASS;
  return DENY;
}
