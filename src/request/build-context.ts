// The plain, structured-clonable data of a function's `context` (SPEC R20, R29); the runner
// revives it on the function's side (revive-context.ts).
import type { ContextData } from '../definitions';
import type { Contact, Limits, Params } from '../types';

/** What the host knows about one endpoint request. */
export interface EndpointContextInput {
  accountId: number;
  body: unknown;
  contact: Contact | null;
  headers: Record<string, string>;
  params: Params;
  limits: Limits;
  method: string;
  endpoint: string;
  secrets?: Record<string, string>;
  rawBody?: Buffer;
  url?: string;
}

/** What `invoke` passes to a private app function (SPEC R3, R40). */
export interface AppFunctionContextInput {
  parameters?: unknown;
  propertiesToSend?: unknown;
  event?: unknown;
  accountId: number;
  limits: Limits;
  secrets?: Record<string, string>;
}

/**
 * Builds an endpoint function's context data: `{ accountId, body, contact, headers, params,
 * limits, method, endpoint }`, plus `secrets`, `rawBody` and `url` only when given (SPEC R20, R29).
 */
export function buildEndpointContext(input: EndpointContextInput): ContextData {
  const context: Record<string, unknown> = {
    accountId: input.accountId,
    body: input.body,
    contact: input.contact,
    headers: input.headers,
    params: input.params,
    limits: { executionsRemaining: input.limits.executionsRemaining, timeRemaining: input.limits.timeRemaining },
    method: input.method,
    endpoint: input.endpoint,
  };
  // Absent, not undefined: `'secrets' in context` must be false with `contextSecrets: false`.
  if (input.secrets !== undefined) context.secrets = input.secrets;
  if (input.rawBody !== undefined) context.rawBody = input.rawBody;
  if (input.url !== undefined) context.url = input.url;
  return { kind: 'endpoint', context };
}

/**
 * Builds a private app function's context data as HubSpot passes it: `parameters` and
 * `propertiesToSend` default to `{}`, `event` to `null` (SPEC R3, R40).
 */
export function buildAppFunctionContext(input: AppFunctionContextInput): ContextData {
  const context: Record<string, unknown> = {
    parameters: input.parameters ?? {},
    propertiesToSend: input.propertiesToSend ?? {},
    event: input.event ?? null,
    accountId: input.accountId,
    limits: { executionsRemaining: input.limits.executionsRemaining, timeRemaining: input.limits.timeRemaining },
  };
  if (input.secrets !== undefined) context.secrets = input.secrets;
  return { kind: 'appFunction', context };
}
