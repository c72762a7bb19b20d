// The core on bare node:http: `http.createServer(createRequestListener(dir))`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AllOptions } from '../options';
import { writeResponse } from '../response/write-response';
import { buildErrorResponse } from './error-response';
import { createFunctionsHost, type FunctionsHost } from './create-functions-host';

/** A node:http listener serving the functions, with `.host` and `.close()`. */
export interface RequestListener {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void>;
  readonly host: FunctionsHost;
  close(): Promise<void>;
}

/**
 * Creates a listener for `http.createServer`; without `next`, a path that is not ours gets a
 * JSON 404 (`HSF_NOT_FOUND`, SPEC R48).
 * @example
 * http.createServer(createRequestListener('./src/app.functions')).listen(3000);
 */
export function createRequestListener(source: string | string[], options: AllOptions = {}): RequestListener {
  const host = createFunctionsHost(source, options);
  const production = process.env.NODE_ENV === 'production';
  const listener = async (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void> => {
    const handled = await host.handle(req, res);
    if (handled) return;
    if (next) return next();
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0];
    const response = buildErrorResponse('HSF_NOT_FOUND', `No function serves ${req.method} ${path}.`, requestId, { production });
    writeResponse(res, response, { head: req.method === 'HEAD', extraHeaders: [['x-request-id', requestId]] });
  };
  return Object.assign(listener, { host, close: () => host.close() });
}
