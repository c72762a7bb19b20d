// JSON encoding of response bodies and app-function results, with SPEC R52's failures made
// explicit: JSON.stringify throws on cycles and BigInt but silently drops functions.
import { HubSpotFunctionsError } from '../errors';

/** Lambda's payload limit applies to responses too (SPEC R52): 6 MB. */
export const MAX_RESPONSE_BYTES = 6_291_456;

/** Rejects values JSON cannot represent instead of letting JSON.stringify drop them. */
function rejectUnserialisable(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') {
    const where = key === '' ? 'the body itself' : `key "${key}"`;
    throw new HubSpotFunctionsError(
      'HSF_RESPONSE_INVALID',
      `The response body holds a ${typeof value} at ${where}, which JSON cannot represent (SPEC R52); return plain data.`,
    );
  }
  return value;
}

/**
 * Serialises a value as JSON text, or throws HSF_RESPONSE_INVALID naming what was wrong
 * (a cycle, a BigInt, a function or symbol: SPEC R52).
 */
export function stringifyJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, rejectUnserialisable);
  } catch (err) {
    if (err instanceof HubSpotFunctionsError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new HubSpotFunctionsError(
      'HSF_RESPONSE_INVALID',
      `The response body cannot be serialised to JSON: ${reason} (SPEC R52); return plain data without cycles or BigInt.`,
      { cause: err },
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
