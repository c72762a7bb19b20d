// Checks that a request really comes from HubSpot, by its signature headers. HubSpot's
// "Validating requests" documentation defines three versions:
//   v1  X-HubSpot-Signature = hex(SHA-256(clientSecret + body))
//   v2  X-HubSpot-Signature = hex(SHA-256(clientSecret + method + uri + body))
//       (X-HubSpot-Signature-Version names v1 or v2; uri is the full original URL)
//   v3  X-HubSpot-Signature-v3 = base64(HMAC-SHA256(key: clientSecret,
//                                        method + uri + body + X-HubSpot-Request-Timestamp))
//       where uri has these escapes decoded: %3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 (
//       %29 ) %2A * %2C , %3B ;  and a timestamp older than 5 minutes is rejected.
// Functions that verify webhooks need the exact bytes and URL: the `rawBody` option puts them in
// `context.rawBody` and `context.url`.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HubSpotContext } from '../types';

/** The request parts a signature covers. */
export interface SignatureInput {
  /** The HTTP method (v2, v3). */
  method?: string;
  /** The absolute original URL, as HubSpot called it (v2, v3). */
  url?: string;
  /** The request headers; names are read case-insensitively. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes; absent means an empty body. */
  rawBody?: Buffer | string;
  /** The app's client secret. */
  clientSecret: string;
  /** The clock for v3's timestamp window, in epoch milliseconds. @default Date.now() */
  now?: number;
}

/** HubSpot's limit on a v3 request's age (and, for clock skew, on how far ahead it may be). */
export const SIGNATURE_MAX_AGE_MS = 300_000;

// The escapes HubSpot decodes in the URI before signing a v3 request (quoted above). Hex digits
// are case-insensitive in percent-encoding (RFC 3986 2.1), so `%3a` is decoded as `%3A` is.
const V3_DECODED_ESCAPES = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/**
 * Whether a request carries a valid HubSpot signature (v1, v2 or v3); never throws. When the v3
 * header is present it alone decides, so a stripped or forged v3 cannot fall back to v1/v2.
 * @param clientSecret the app's client secret, when `input` is a function's context
 * @example
 * exports.main = async (context) => {
 *   if (!verifyHubSpotSignature(context, process.env.CLIENT_SECRET)) return { statusCode: 401, body: 'bad signature' };
 *   // ...
 * };
 */
export function verifyHubSpotSignature(
  input: SignatureInput | (HubSpotContext & { clientSecret?: string }),
  clientSecret?: string,
): boolean {
  try {
    return verify(input, clientSecret);
  } catch {
    return false;
  }
}

function verify(input: Partial<Record<keyof SignatureInput, unknown>>, secretArgument: string | undefined): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const secret = secretArgument ?? input.clientSecret;
  if (typeof secret !== 'string' || secret === '') return false;
  if (typeof input.headers !== 'object' || input.headers === null) return false;
  const headers = input.headers as Record<string, unknown>;
  const body = toBody(input.rawBody);
  if (body === null) return false;
  const method = typeof input.method === 'string' && input.method !== '' ? input.method.toUpperCase() : null;
  const url = typeof input.url === 'string' && input.url !== '' ? input.url : null;

  const v3 = readHeader(headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) {
    const timestamp = readHeader(headers, 'x-hubspot-request-timestamp');
    if (timestamp === undefined || !/^\d{1,16}$/.test(timestamp) || method === null || url === null) return false;
    const now = typeof input.now === 'number' && Number.isFinite(input.now) ? input.now : Date.now();
    if (Math.abs(now - Number(timestamp)) > SIGNATURE_MAX_AGE_MS) return false;
    const uri = url.replace(V3_DECODED_ESCAPES, (escape) => decodeURIComponent(escape));
    const expected = createHmac('sha256', secret)
      .update(Buffer.concat([Buffer.from(method + uri, 'utf8'), body, Buffer.from(timestamp, 'utf8')]))
      .digest('base64');
    return safeEqual(expected, v3.trim());
  }

  const version = readHeader(headers, 'x-hubspot-signature-version')?.trim().toLowerCase();
  const signature = readHeader(headers, 'x-hubspot-signature');
  if (signature === undefined) return false;
  let source: Buffer;
  if (version === 'v1') {
    source = Buffer.concat([Buffer.from(secret, 'utf8'), body]);
  } else if (version === 'v2') {
    if (method === null || url === null) return false;
    source = Buffer.concat([Buffer.from(secret + method + url, 'utf8'), body]);
  } else {
    // No version, or one this code does not know (v3 without its header): nothing to check against.
    return false;
  }
  return safeEqual(createHash('sha256').update(source).digest('hex'), signature.trim().toLowerCase());
}

/** The body as bytes: a Buffer as is, a string as UTF-8, absent as empty; anything else is `null`. */
function toBody(rawBody: unknown): Buffer | null {
  if (rawBody === undefined || rawBody === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(rawBody)) return rawBody;
  if (rawBody instanceof Uint8Array) return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  return null;
}

/** A header's single value, whatever the case of its name; repeated or non-string values are `undefined`. */
function readHeader(headers: Record<string, unknown>, name: string): string | undefined {
  const keys = Object.keys(headers).filter((key) => key.toLowerCase() === name);
  // Two spellings of one header (`X-Foo` and `x-foo`) are as ambiguous as a repeated header.
  if (keys.length !== 1) return undefined;
  const value = headers[keys[0]];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Constant-time comparison of two strings' bytes; different lengths are simply unequal. */
function safeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
