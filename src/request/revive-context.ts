// Turns context data back into the `context` a function receives, on the function's side: in
// process, or in a worker after a structured clone (which keeps plain data only). Hot path.
import type { ContextData } from '../definitions';
import type { AppFunctionContext, HubSpotContext, Params } from '../types';
import { createHeadersView } from './headers';

/** A null-prototype params object again: a clone gives a plain object (SPEC R21). */
function reviveParams(params: unknown): Params {
  if (typeof params !== 'object' || params === null) return Object.create(null) as Params;
  if (Object.getPrototypeOf(params) === null) return params as Params;
  // Object.assign onto a null-prototype target defines `__proto__` as a plain own key.
  return Object.assign(Object.create(null) as Params, params);
}

/** A Buffer again: a structured clone turns a Buffer into a Uint8Array (same bytes, no copy). */
function reviveBuffer(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/**
 * Revives context data into the function's `context`: case-insensitive headers (SPEC R25),
 * null-prototype params (SPEC R21) and a Buffer `rawBody`.
 */
export function reviveContext(data: ContextData): HubSpotContext | AppFunctionContext {
  if (data.kind === 'appFunction') return { ...data.context } as unknown as AppFunctionContext;
  const context: Record<string, unknown> = { ...data.context };
  const headers = context.headers;
  context.headers = createHeadersView(typeof headers === 'object' && headers !== null ? (headers as Record<string, string>) : {});
  context.params = reviveParams(context.params);
  if ('rawBody' in context) context.rawBody = reviveBuffer(context.rawBody);
  return context as unknown as HubSpotContext;
}
