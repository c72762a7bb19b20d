// A private app function's result (SPEC R40): the JSON value `invoke` returns, and the 200 a
// route would answer with it.
import type { MappedResponse } from '../definitions';
import { assertResponseSize, stringifyJson } from './serialize-json';

/**
 * Round-trips an app function's result through JSON (what HubSpot's Lambda does) and maps it
 * to a 200 with a JSON body; `undefined` becomes `null` (SPEC R40).
 * @throws HubSpotFunctionsError HSF_RESPONSE_INVALID or HSF_RESPONSE_TOO_LARGE (SPEC R52)
 */
export function mapAppFunctionResult(value: unknown): { response: MappedResponse; value: unknown } {
  const text = value === undefined ? 'null' : stringifyJson(value);
  const body = Buffer.from(text, 'utf8');
  assertResponseSize(body);
  return {
    response: { statusCode: 200, headers: [['content-type', 'application/json; charset=utf-8']], body },
    value: JSON.parse(text) as unknown,
  };
}
