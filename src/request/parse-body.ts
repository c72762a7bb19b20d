// The `body` a function sees, and the form fields that go to `params` (SPEC R22, R23).
import { HubSpotFunctionsError } from '../errors';
import type { Params } from '../types';
import type { BodyKind } from './content-type';
import { parseParams } from './parse-params';

/** The body of a request without a JSON body: `{}`, as code tested on HubSpot's tooling expects (SPEC R23). */
function emptyBody(): Record<string, never> {
  return {};
}

/** Parses JSON text: empty (or blank) is `{}`, invalid is a 400 (SPEC R23). */
function parseJsonText(text: string): unknown {
  // RFC 8259 §8.1: a parser may ignore a leading byte order mark; JSON.parse does not.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') return emptyBody();
  try {
    return JSON.parse(source) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new HubSpotFunctionsError(
      'HSF_INVALID_JSON',
      `The request body is not valid JSON (${reason}); send valid JSON, or another Content-Type.`,
      { cause: err },
    );
  }
}

/**
 * Turns raw body bytes into the function's `body` and, for form posts, the decoded form text to
 * merge into `params` with mergeFormParams (SPEC R22, R23).
 * @throws HubSpotFunctionsError HSF_INVALID_JSON (400) when a JSON body does not parse
 */
export function parseBody(kind: BodyKind, raw: Buffer): { body: unknown; form: string | null } {
  if (kind === 'json') return { body: parseJsonText(raw.toString('utf8')), form: null };
  // SPEC R22: form fields go to params; body stays {}.
  if (kind === 'form') return { body: emptyBody(), form: raw.toString('utf8') };
  // SPEC R22, R23: multipart is not parsed; any other type gives {}.
  return { body: emptyBody(), form: null };
}

/** Adds one parsed form value under its flat key: scalars as strings, arrays and objects unfolded. */
function flattenInto(params: Params, key: string, value: unknown): void {
  if (Array.isArray(value)) {
    // `a=1&a=2` (querystring) and `a[]=1&a[]=2` (qs) both parse to an array: the flat key
    // `a` with its values in order is the common form; arrays of objects keep their index.
    value.forEach((item, index) => {
      if (typeof item === 'object' && item !== null) flattenInto(params, `${key}[${index}]`, item);
      else flattenInto(params, key, item);
    });
    return;
  }
  if (typeof value === 'object' && value !== null) {
    // qs's `extended: true` nests `a[b]=1` as { a: { b: '1' } }; SPEC R21 wants the flat key.
    for (const inner of Object.keys(value)) flattenInto(params, `${key}[${inner}]`, (value as Record<string, unknown>)[inner]);
    return;
  }
  const text = value === undefined || value === null ? '' : String(value);
  const existing = params[key];
  if (existing === undefined) params[key] = [text];
  else existing.push(text);
}

/**
 * The same as parseBody when a host body parser (express.json, express.urlencoded,
 * @koa/bodyparser) already consumed the stream and only its parsed value exists (SPEC R23).
 * @throws HubSpotFunctionsError HSF_INVALID_JSON (400) when a raw parser kept JSON bytes that do not parse
 */
export function bodyFromParsed(kind: BodyKind, parsed: unknown): { body: unknown; form: Params | null } {
  if (kind === 'json') {
    // express.raw() keeps bytes: parse them as the stream would have been.
    if (Buffer.isBuffer(parsed)) return { body: parseJsonText(parsed.toString('utf8')), form: null };
    return { body: parsed === undefined ? emptyBody() : parsed, form: null };
  }
  if (kind === 'form') {
    // express.text() / express.raw() leave the form text itself.
    if (typeof parsed === 'string') return { body: emptyBody(), form: parseParams(parsed) };
    if (Buffer.isBuffer(parsed)) return { body: emptyBody(), form: parseParams(parsed.toString('utf8')) };
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const form = Object.create(null) as Params;
      for (const key of Object.keys(parsed)) flattenInto(form, key, (parsed as Record<string, unknown>)[key]);
      return { body: emptyBody(), form };
    }
  }
  return { body: emptyBody(), form: null };
}
