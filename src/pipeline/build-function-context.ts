// The context data a function runs with (SPEC R20, R27-R29): for an endpoint, the request's
// parts, the contact (from the `contact` hook, or invoke's own) and the account's limits; for an
// app function, HubSpot's app-function fields from the JSON body (SPEC R3, R40).
import type { ContextData } from '../definitions';
import type { ResolvedOptions } from '../options';
import { buildAppFunctionContext, buildEndpointContext } from '../request/build-context';
import type { EndpointRequest } from '../request/endpoint-request';
import type { Contact, Limits } from '../types';
import type { RegisteredFunction } from '../functions/function-registry';
import { lookupContact } from './lookup-contact';
import type { RequestInput } from './request-input';

/** What the context is built from. */
export interface ContextSource {
  fn: RegisteredFunction;
  request: EndpointRequest;
  input: RequestInput;
  endpoint: string;
  appFunction: boolean;
  accountId: number;
}

/** The JSON body of an app-function call: HubSpot's app-function context fields (SPEC R40). */
function appFunctionFields(body: unknown): { parameters?: unknown; propertiesToSend?: unknown; event?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  return { parameters: b.parameters, propertiesToSend: b.propertiesToSend, event: b.event };
}

/**
 * Builds the context data; waits only for a `contact` hook (none by default, so by default this
 * is synchronous: it runs on every request).
 */
export function buildFunctionContext(source: ContextSource, limits: Limits, options: ResolvedOptions, functionId: string): ContextData | Promise<ContextData> {
  const secrets = options.contextSecrets ? { secrets: source.fn.contextSecrets } : {};
  if (source.appFunction) {
    return buildAppFunctionContext({ ...appFunctionFields(source.input.body), accountId: source.accountId, limits, ...secrets });
  }
  const { request, input } = source;
  const build = (contact: Contact | null): ContextData => buildEndpointContext({
    accountId: source.accountId,
    body: input.body,
    contact,
    headers: request.headers,
    params: input.params,
    limits,
    // SPEC R13: HEAD runs the GET function, which sees GET.
    method: request.method === 'HEAD' ? 'GET' : request.method,
    endpoint: source.endpoint,
    ...secrets,
    ...(options.rawBody ? { rawBody: input.raw ?? Buffer.alloc(0), url: request.url } : {}),
  });
  if (request.contact !== undefined) return build(request.contact);
  if (options.contact === null) return build(null);
  return lookupContact(options.contact, { headers: request.headers, request: request.request },
    (message) => options.onWarning({ code: 'HSF_WARN_CONTACT_HOOK', message, functionId })).then(build);
}
