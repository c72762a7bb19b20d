// Express adapter: routes on req.path (relative to the mount point), reuses a body that
// express.json() already read, and steps aside with next() for anything not ours (SPEC R12).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFunctionsHost, type AllOptions, type FunctionsHost } from '../src/index';

/** The parts of Express's request this adapter reads. */
interface ExpressRequest extends IncomingMessage {
  path: string;
  originalUrl: string;
  ip?: string;
  body?: unknown;
  app?: { enabled(setting: string): boolean };
}

/** Express middleware with the host attached. */
export interface ExpressFunctionsMiddleware {
  (req: ExpressRequest, res: ServerResponse, next: (error?: unknown) => void): void;
  readonly host: FunctionsHost;
  close(): Promise<void>;
}

/**
 * Mounts HubSpot functions folders on an Express app (4 or 5).
 * @example
 * app.use(hubspotFunctions('./src/app.functions'));
 */
export function hubspotFunctions(source: string | string[], options: AllOptions = {}): ExpressFunctionsMiddleware {
  const host = createFunctionsHost(source, options);
  const middleware = (req: ExpressRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    const ours = host.serve(req, res, {
      path: req.path,
      originalUrl: req.originalUrl,
      // `req.rawBody`: the bytes an `express.json({ verify })` hook kept (SPEC R23).
      parsedBody: { value: req.body, raw: (req as { rawBody?: Buffer | string }).rawBody },
      // Without `trust proxy`, req.ip is the socket's address, which the core reads itself.
      clientIp: req.app?.enabled('trust proxy') ? req.ip : undefined,
      request: req,
    });
    // Not ours: the host app decides (SPEC R12). Ours is answered by the core, errors included (SPEC R48).
    if (!ours) next();
  };
  return Object.assign(middleware, { host, close: () => host.close() });
}
