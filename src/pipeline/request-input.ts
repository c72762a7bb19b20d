// What a function's context is made of, read from an endpoint request: `body`, `params` (the
// query, then form fields, SPEC R21, R22) and the raw bytes for `rawBody` (SPEC R23).
import type { HubSpotFunctionsError } from '../errors';
import { isFunctionsError } from '../errors';
import { classifyContentType } from '../request/content-type';
import type { EndpointRequest } from '../request/endpoint-request';
import { bodyFromParsed, parseBody } from '../request/parse-body';
import { mergeFormParams, parseParams } from '../request/parse-params';
import type { Params } from '../types';

/** The parts of the context that come from the request itself. */
export interface RequestInput {
  body: unknown;
  params: Params;
  /** The body's bytes; null when a host parser read the stream without keeping them. */
  raw: Buffer | null;
}

/**
 * Reads body, params and raw bytes; a body that cannot be read or parsed is the error the
 * request is refused with (400, 413: SPEC R23, R24).
 */
export function readRequestInput(request: EndpointRequest): RequestInput | HubSpotFunctionsError {
  const body = request.body;
  if (body.type === 'unreadable') return body.error;
  const kind = classifyContentType(request.headers['content-type']);
  let parsed: { body: unknown; form: string | Params | null };
  try {
    parsed = body.type === 'bytes' || body.bytes !== null
      ? parseBody(kind, body.bytes!)
      : bodyFromParsed(kind, body.value);
  } catch (error) {
    if (isFunctionsError(error)) return error;
    throw error;
  }
  let params = parseParams(request.query);
  if (parsed.form !== null) params = mergeFormParams(params, parsed.form);
  return { body: parsed.body, params, raw: body.bytes };
}
