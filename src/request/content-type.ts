// Which body rules apply to a request (SPEC R22, R23), read from its Content-Type.
//
// RFC 9110 §8.3.1:  media-type = type "/" subtype parameters
//                   type = token; subtype = token; parameters = *( OWS ";" OWS [ parameter ] )
// Type and subtype are case-insensitive; parameters (charset, boundary) do not change the kind.

/** The body kinds the core distinguishes. */
export type BodyKind = 'json' | 'form' | 'multipart' | 'other' | 'none';

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Classifies a Content-Type header: JSON (`application/json`, `*+json`), form, multipart, other,
 * or none when the header is absent or empty (SPEC R22, R23).
 * @example classifyContentType('application/vnd.api+json; charset=UTF-8') // 'json'
 */
export function classifyContentType(header: string | undefined): BodyKind {
  if (header === undefined) return 'none';
  const semicolon = header.indexOf(';');
  const mediaType = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === '') return 'none';
  const slash = mediaType.indexOf('/');
  if (slash === -1) return 'other';
  const type = mediaType.slice(0, slash);
  const subtype = mediaType.slice(slash + 1);
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return 'other';
  // SPEC R23: application/json and any structured-syntax `+json` suffix (RFC 6839 §3.1).
  if ((type === 'application' && subtype === 'json') || subtype.endsWith('+json')) return 'json';
  // SPEC R22: urlencoded fields go to params; multipart is not parsed.
  if (type === 'application' && subtype === 'x-www-form-urlencoded') return 'form';
  if (type === 'multipart') return 'multipart';
  return 'other';
}
