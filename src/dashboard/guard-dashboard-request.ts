// What every dashboard request passes before it is served (issue #10 items 2 and 5), in order:
// a loopback or listed Host (DNS rebinding), a same-origin Origin, the token, then authorize().
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ResolvedDashboard } from '../options';
import { isAllowedHost, isSameOrigin } from './check-host';
import { firstHeader, quote, send, sendDashboardError } from './dashboard-responses';
import { buildTokenCookie, createTokenMatcher, DASHBOARD_COOKIE, presentedToken } from './dashboard-token';

/** What the host knows of a dashboard request (the framework's mount-relative path and request). */
export interface DashboardRequestInfo {
  path: string;
  originalUrl?: string;
  request?: unknown;
}

/** One request as the guard sees it. */
export interface GuardedRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: DashboardRequestInfo;
  /** The path below the dashboard's, without trailing slashes (`''` is the page). */
  sub: string;
  query: URLSearchParams;
  head: boolean;
}

/**
 * Creates the guard: it answers a refused request itself (a JSON error, or the redirect that sets
 * the token's cookie) and resolves true; false lets the request through.
 */
export function createDashboardGuard(options: Readonly<ResolvedDashboard>, production: boolean): (request: GuardedRequest) => Promise<boolean> {
  const base = options.path;
  const tokenMatches = options.token === null ? null : createTokenMatcher(options.token);

  async function authorized(request: unknown): Promise<boolean> {
    try {
      return (await options.authorize!(request)) === true;
    } catch {
      return false; // A failing check never opens the dashboard.
    }
  }

  /** `<path>?token=<token>`: the cookie, then the same path without the query (issue #10 item 5). */
  function redirectWithCookie({ req, res, info, head }: GuardedRequest): void {
    const url = info.originalUrl ?? req.url ?? info.path;
    const q = url.indexOf('?');
    const visited = q === -1 ? url : url.slice(0, q);
    // The dashboard's path as the browser sees it: the framework's mount prefix included.
    const prefix = visited.endsWith(info.path) ? visited.slice(0, visited.length - info.path.length) : '';
    // `//host/...` would send the browser to another site: only a plain absolute path is echoed.
    const location = visited.startsWith('/') && !visited.startsWith('//') ? visited : base;
    const secure = (req.socket as TLSSocket | undefined)?.encrypted === true;
    send(res, 302, [
      ['Location', location],
      ['Set-Cookie', buildTokenCookie(options.token!, `${prefix}${base}`, secure)],
      ['Cache-Control', 'no-store'],
      ['Referrer-Policy', 'no-referrer'],
    ], '', head);
  }

  return async (request) => {
    const { req, res, head } = request;
    const host = firstHeader(req.headers.host);
    const origin = firstHeader(req.headers.origin);
    if (!isAllowedHost(host, options.allowedHosts)) {
      sendDashboardError(res, 'HSF_DASHBOARD_FORBIDDEN', `The dashboard answers loopback hosts (localhost, 127.0.0.1, [::1]) and dashboard.allowedHosts only; this request's Host is ${quote(host)}. ` +
        'Add the name to dashboard.allowedHosts to serve the dashboard under it.', { head, production });
      return true;
    }
    if (!isSameOrigin(origin, host)) {
      sendDashboardError(res, 'HSF_DASHBOARD_FORBIDDEN', `The dashboard refuses requests from another site: Origin ${quote(origin)} is not this host (${quote(host)}).`, { head, production });
      return true;
    }
    if (tokenMatches !== null) {
      const visited = request.sub === '' ? request.query.get('token') : null;
      if (visited !== null && tokenMatches(visited)) {
        redirectWithCookie(request);
        return true;
      }
      if (!tokenMatches(presentedToken(req.headers))) {
        sendDashboardError(res, 'HSF_DASHBOARD_UNAUTHORIZED', `The dashboard needs its token: open ${base}?token=<token> once (it sets the ${DASHBOARD_COOKIE} cookie), ` +
          'or send "Authorization: Bearer <token>".', { head, production, headers: { 'WWW-Authenticate': 'Bearer realm="hubspot-functions dashboard"' } });
        return true;
      }
    }
    if (options.authorize !== null && !(await authorized(request.info.request ?? req))) {
      sendDashboardError(res, 'HSF_DASHBOARD_FORBIDDEN', 'The dashboard\'s authorize() refused this request.', { head, production });
      return true;
    }
    return false;
  };
}
