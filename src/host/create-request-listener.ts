// The core on bare node:http: `http.createServer(createRequestListener(dir))`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AllOptions } from '../options';
import { writeErrorResponse } from '../response/error-response';
import { createFunctionsHost, type FunctionsHost } from './create-functions-host';

/** A node:http listener serving the functions, with `.host` and `.close()`. */
export interface RequestListener {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  readonly host: FunctionsHost;
  close(): Promise<void>;
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Creates a listener for `http.createServer`; without `next`, a path that is not ours gets a
 * JSON 404 (`HSF_NOT_FOUND`, SPEC R48). It never throws and never rejects: whatever a request
 * holds, it is answered.
 * @example
 * http.createServer(createRequestListener('./src/app.functions')).listen(3000);
 */
export function createRequestListener(source: string | string[], options: AllOptions = {}): RequestListener {
  const host = createFunctionsHost(source, options);
  const production = process.env.NODE_ENV === 'production';
  const listener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    const path = pathOf(req.url);
    if (host.serve(req, res, { path })) return;
    if (next) return next();
    // Not ours, and no host app to pass it to: no function ran, so no record (SPEC R60).
    writeErrorResponse(res, { code: 'HSF_NOT_FOUND', message: `No function serves ${req.method} ${path}.` }, randomUUID(), {
      production, head: req.method === 'HEAD',
    });
  };
  return Object.assign(listener, { host, close: () => host.close() });
}
