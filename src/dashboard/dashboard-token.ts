// The dashboard's token (issue #10 item 5): carried as `Authorization: Bearer <token>` or in the
// `hsf_dashboard` cookie that visiting `<path>?token=<token>` sets, and compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseCookies } from '../request/cookies';

/** The cookie that carries the token after a visit to `<path>?token=<token>`. */
export const DASHBOARD_COOKIE = 'hsf_dashboard';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A check of candidates against `token` whose time does not depend on how much of it they got
 * right: timingSafeEqual over SHA-256 digests, which are of equal length whatever the candidate's.
 */
export function createTokenMatcher(token: string): (candidate: string | undefined) => boolean {
  const expected = digest(token);
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), expected);
}

/** The token a request presents: its bearer token (RFC 6750 §2.1), else its `hsf_dashboard` cookie. */
export function presentedToken(headers: Pick<IncomingHttpHeaders, 'authorization' | 'cookie'>): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const space = authorization.indexOf(' ');
    // The auth-scheme is case-insensitive (RFC 9110 §11.1).
    if (space !== -1 && authorization.slice(0, space).toLowerCase() === 'bearer') {
      const token = authorization.slice(space + 1).trim();
      if (token !== '') return token;
    }
  }
  const cookie = parseCookies(headers.cookie)[DASHBOARD_COOKIE];
  return cookie === undefined || cookie === '' ? undefined : cookie;
}

/**
 * The Set-Cookie value for the token: HttpOnly (the page's script never reads it), SameSite=Strict
 * (no other site's request carries it), scoped to the dashboard's path, Secure over TLS.
 * The value is percent-encoded, as parseCookies decodes it.
 */
export function buildTokenCookie(token: string, path: string, secure: boolean): string {
  return `${DASHBOARD_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=${path}${secure ? '; Secure' : ''}`;
}
