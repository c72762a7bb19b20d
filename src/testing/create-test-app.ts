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
 * (nock, msw) see the functions' outbound calls, to `onLog: false` to keep test output clean,
 * and to `outbound: { deny: true }` (issue #13): a test never reaches a real API, or spends a
 * real secret, unless it asks to. Calls to loopback addresses still go through, and an origin in
 * `outbound.rewrite` goes to its local fake; `outbound: { deny: false }` (or `false`) allows all.
 * @example
 * const app = createTestApp('./src/app.functions', {
 *   isolation: 'worker',
 *   outbound: { rewrite: { 'https://api.hubapi.com': fake.url } },
 * });
 * await request(app).get('/_hcms/api/contacts').expect(200);
 * await app.close();
 */
export function createTestApp(source: string | string[], options: AllOptions = {}): TestApp {
  const outbound = options.outbound === false ? false : { deny: true, ...options.outbound };
  const listener = createRequestListener(source, { isolation: 'inline', onLog: false, ...options, outbound });
  return Object.assign(listener, { invoke: (target: string, input?: InvokeInput) => listener.host.invoke(target, input) });
}
