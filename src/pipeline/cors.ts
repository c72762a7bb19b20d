// CORS headers (SPEC R53): none by default, as on HubSpot; with `cors`, an allowed Origin is
// echoed (never `*`, so credentials work) and preflights are answered without running anything.
import type { ResolvedOptions } from '../options';

type Cors = NonNullable<ResolvedOptions['cors']>;

function originAllowed(cors: Cors, origin: string): boolean {
  return typeof cors.origins === 'function' ? cors.origins(origin) === true : cors.origins.includes(origin);
}

/**
 * The CORS headers for one response; empty when CORS is off or the origin is not allowed.
 * @param preflight the OPTIONS request's `access-control-request-*` headers, for a preflight
 */
export function buildCorsHeaders(
  cors: Cors | null,
  origin: string | undefined,
  preflight?: { allow: string; requestHeaders: string | undefined },
): Array<[string, string]> {
  if (cors === null || origin === undefined) return [];
  // Vary even when refusing: a cache must not serve one origin's answer to another.
  if (!originAllowed(cors, origin)) return [['Vary', 'Origin']];
  const headers: Array<[string, string]> = [
    ['Access-Control-Allow-Origin', origin],
    ['Vary', 'Origin'],
  ];
  if (cors.credentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
  if (preflight) {
    headers.push(['Access-Control-Allow-Methods', preflight.allow]);
    if (preflight.requestHeaders) headers.push(['Access-Control-Allow-Headers', preflight.requestHeaders]);
    headers.push(['Access-Control-Max-Age', String(cors.maxAge)]);
  }
  return headers;
}
