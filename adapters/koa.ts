// Koa adapter: routes on ctx.path (koa-mount strips its prefix), reuses a body that a Koa body
// parser already read, and awaits next() for anything not ours (SPEC R12).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFunctionsHost, type AllOptions, type FunctionsHost } from '../src/index';

/** The parts of Koa's context this adapter reads. */
interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  originalUrl: string;
  ip: string;
  app: { proxy?: boolean };
  request: { body?: unknown; rawBody?: string | Buffer };
  respond?: boolean;
}

/** Koa middleware with the host attached. */
export interface KoaFunctionsMiddleware {
  (ctx: KoaContext, next: () => Promise<unknown>): Promise<unknown> | undefined;
  readonly host: FunctionsHost;
  close(): Promise<void>;
}

/**
 * Mounts HubSpot functions folders on a Koa app (2 or 3).
 * @example
 * new Koa().use(hubspotFunctions('./src')).listen(3000);
 */
export function hubspotFunctions(source: string | string[], options: AllOptions = {}): KoaFunctionsMiddleware {
  const host = createFunctionsHost(source, options);
  const middleware = (ctx: KoaContext, next: () => Promise<unknown>): Promise<unknown> | undefined => {
    // The core writes the response itself (SPEC R54): Koa must not write after it. The middleware
    // settles once the answer is written, so middleware upstream sees it done after `await next()`.
    let finished = false;
    let written: (() => void) | undefined;
    const ours = host.serve(ctx.req, ctx.res, {
      path: ctx.path,
      originalUrl: ctx.originalUrl,
      parsedBody: { value: ctx.request.body, raw: ctx.request.rawBody },
      clientIp: ctx.app.proxy ? ctx.ip : undefined,
      request: ctx,
    }, () => {
      finished = true;
      written?.();
    });
    if (!ours) return next();
    ctx.respond = false;
    return finished ? undefined : new Promise<void>((resolve) => (written = resolve));
  };
  return Object.assign(middleware, { host, close: () => host.close() });
}
