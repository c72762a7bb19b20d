// JSON encoding of response bodies and app-function results, with SPEC R52's failures made
// explicit: JSON.stringify throws on cycles and BigInt but silently drops functions.
import { HubSpotFunctionsError } from '../errors';

/** Lambda's payload limit applies to responses too (SPEC R52): 6 MB. */
export const MAX_RESPONSE_BYTES = 6_291_456;

/**
 * Where a value holds something JSON.stringify would silently drop (a function or a symbol), or
 * null. Objects with their own toJSON are left to it. Only called on values that stringified,
 * so there is no cycle to guard against.
 */
function findDropped(value: unknown, key: string): string | null {
  const type = typeof value;
  if (type === 'function' || type === 'symbol') return `${key === '' ? 'the body itself' : `key "${key}"`} (a ${type})`;
  if (type !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findDropped(value[i], String(i));
      if (found !== null) return found;
    }
    return null;
  }
  for (const name in value as Record<string, unknown>) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) continue;
    const found = findDropped((value as Record<string, unknown>)[name], name);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Serialises a value as JSON text, or throws HSF_RESPONSE_INVALID naming what was wrong
 * (a cycle, a BigInt, a function or symbol: SPEC R52). JSON.stringify runs without a replacer
 * (a replacer takes V8 off its fast path: twice the time on every response, issue #12), then a
 * walk looks for what it would have dropped.
 */
export function stringifyJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new HubSpotFunctionsError(
      'HSF_RESPONSE_INVALID',
      `The response body cannot be serialised to JSON: ${reason} (SPEC R52); return plain data without cycles or BigInt.`,
      { cause: err },
    );
  }
  const dropped = findDropped(value, '');
  if (dropped !== null) {
    throw new HubSpotFunctionsError(
      'HSF_RESPONSE_INVALID',
      `The response body holds a value at ${dropped}, which JSON cannot represent (SPEC R52); return plain data.`,
    );
  }
  // Only `undefined` reaches here without text; callers handle it before.
  return text ?? 'null';
}

/** Throws HSF_RESPONSE_TOO_LARGE when a body is over the 6 MB limit (SPEC R52). */
export function assertResponseSize(body: Buffer): void {
  if (body.length > MAX_RESPONSE_BYTES) {
    throw new HubSpotFunctionsError(
      'HSF_RESPONSE_TOO_LARGE',
      `The response body is ${body.length} bytes, over the ${MAX_RESPONSE_BYTES}-byte limit (SPEC R52); return less (paginate).`,
    );
  }
}
