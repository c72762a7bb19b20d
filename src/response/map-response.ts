// What a function returned, turned into the exact status, headers and body bytes the client
// gets (SPEC R50–R54). Runs once per invocation: keep it allocation-light.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { MappedResponse } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import { assertResponseSize, stringifyJson } from './serialize-json';

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BYTES_TYPE = 'application/octet-stream';

/** Buffers, typed arrays, DataViews and ArrayBuffers are bytes (checked across realms). */
function toBytes(value: unknown): Buffer | null {
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Object.prototype.toString.call(value) === '[object ArrayBuffer]') return Buffer.from(value as ArrayBuffer);
  return null;
}

/**
 * SPEC R51: a response object has a numeric `statusCode` or a `body` key; anything else (an
 * array, `response.data.results`) is the body of a 200.
 */
function isResponseObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  return typeof (value as { statusCode?: unknown }).statusCode === 'number' || 'body' in value;
}

function invalid(message: string, cause?: unknown): HubSpotFunctionsError {
  return new HubSpotFunctionsError('HSF_RESPONSE_INVALID', `${message} (SPEC R52)`, cause === undefined ? {} : { cause });
}

/**
 * SPEC R50, R52: default 200; an integer 200–599 (a digit string like "404" is read as one). A
 * 1xx status is an interim response in HTTP: written as the answer, the client would wait for a
 * final one that never comes, so it is as invalid as 600.
 */
function readStatus(value: unknown): number {
  if (value === undefined || value === null) return 200;
  const status = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw invalid(`The response statusCode ${JSON.stringify(value) ?? String(value)} is not an integer between 200 and 599 (1xx codes are interim responses, not answers)`);
  }
  return status;
}

/** Validates and stringifies one header, appending it to `out`. `undefined`/`null` values are skipped. */
function pushHeader(out: Array<[string, string]>, name: string, value: unknown, where: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw invalid(`The response ${where} "${name}" is a ${Array.isArray(value) ? 'nested array' : typeof value}; header values are strings`);
  }
  const text = String(value);
  try {
    validateHeaderName(name);
    validateHeaderValue(name, text);
  } catch (err) {
    throw invalid(`The response ${where} "${name}" is not a valid HTTP header: ${(err as Error).message}`, err);
  }
  out.push([name, text]);
}

/** Reads `headers`, `multiValueHeaders` and the top-level `Set-Cookie` into ordered pairs (SPEC R50, R54). */
function collectHeaders(response: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const single = response.headers;
  const multi = response.multiValueHeaders;
  if (single !== undefined && single !== null && typeof single !== 'object') throw invalid('The response headers is not an object');
  if (multi !== undefined && multi !== null && typeof multi !== 'object') throw invalid('The response multiValueHeaders is not an object');

  // SPEC R54: a name in multiValueHeaders replaces the same name (any case) in headers.
  let replaced: Set<string> | null = null;
  if (multi) {
    const names = Object.keys(multi);
    if (names.length > 0) replaced = new Set(names.map((n) => n.toLowerCase()));
  }
  if (single) {
    for (const name of Object.keys(single)) {
      if (replaced !== null && replaced.has(name.toLowerCase())) continue;
      const value = (single as Record<string, unknown>)[name];
      // Node's setHeader takes arrays too: each element is one header line.
      if (Array.isArray(value)) for (const v of value) pushHeader(out, name, v, 'header');
      else pushHeader(out, name, value, 'header');
    }
  }
  if (multi) {
    for (const name of Object.keys(multi)) {
      const values = (multi as Record<string, unknown>)[name];
      if (Array.isArray(values)) for (const v of values) pushHeader(out, name, v, 'multiValueHeaders entry');
      else pushHeader(out, name, values, 'multiValueHeaders entry');
    }
  }
  // SPEC R50, R54: the top-level 'Set-Cookie' is added to any others, as API Gateway merges.
  const cookies = response['Set-Cookie'];
  if (Array.isArray(cookies)) for (const c of cookies) pushHeader(out, 'Set-Cookie', c, 'Set-Cookie');
  else pushHeader(out, 'Set-Cookie', cookies, 'Set-Cookie');
  return out;
}

function hasContentType(headers: Array<[string, string]>): boolean {
  for (const [name] of headers) if (name.length === 12 && name.toLowerCase() === 'content-type') return true;
  return false;
}

/**
 * Encodes a body per SPEC R51 and adds its default content type when the function set none.
 * The function's own Content-Type always wins.
 */
function encodeBody(body: unknown, headers: Array<[string, string]>): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  let bytes: Buffer;
  let type: string;
  if (typeof body === 'string') {
    bytes = Buffer.from(body, 'utf8');
    type = TEXT_TYPE;
  } else {
    const raw = toBytes(body);
    if (raw !== null) {
      bytes = raw;
      type = BYTES_TYPE;
    } else {
      bytes = Buffer.from(stringifyJson(body), 'utf8');
      type = JSON_TYPE;
    }
  }
  assertResponseSize(bytes);
  if (!hasContentType(headers)) headers.push(['content-type', type]);
  return bytes;
}

/**
 * Maps what a function answered to exact bytes: status, ordered headers (the function's casing,
 * repeated names kept), body (SPEC R50–R54). Content-Length is left to the writer.
 * @throws HubSpotFunctionsError HSF_RESPONSE_INVALID or HSF_RESPONSE_TOO_LARGE (SPEC R52)
 * @example mapResponse({ statusCode: 201, body: { id: 1 } })
 */
export function mapResponse(value: unknown): MappedResponse {
  if (!isResponseObject(value)) {
    const headers: Array<[string, string]> = [];
    return { statusCode: 200, headers, body: encodeBody(value, headers) };
  }
  const statusCode = readStatus(value.statusCode);
  const headers = collectHeaders(value);
  // SPEC R50: a redirect is a 3xx with a Location header; it passes through like any header.
  return { statusCode, headers, body: encodeBody(value.body, headers) };
}
