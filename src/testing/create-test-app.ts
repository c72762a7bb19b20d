// hubspot-functions/testing: a request listener that supertest accepts directly.
import type { AllOptions } from '../options';
import { createRequestListener, type RequestListener } from '../host/create-request-listener';
import type { InvokeInput, InvokeResult } from '../host/invoke';

/** A supertest-ready listener with `.invoke`, `.host` and `.close`. */
export interface TestApp extends RequestListener {
  invoke(target: string, input?: InvokeInput): Promise<InvokeResult>;
}

/**
 * Creates an app for tests. It defaults to `isolation: 'inline'` so that in-process HTTP mocks
 * (nock, msw) see the functions' outbound calls, and to `onLog: false` to keep test output clean.
 * @example
 * const app = createTestApp('./src/app.functions');
 * await request(app).get('/_hcms/api/hello').expect(200);
 * await app.close();
 */
export function createTestApp(source: string | string[], options: AllOptions = {}): TestApp {
  const listener = createRequestListener(source, { isolation: 'inline', onLog: false, ...options });
  return Object.assign(listener, { invoke: (target: string, input?: InvokeInput) => listener.host.invoke(target, input) });
}
