// The URL of an outbound call as its record keeps it (issue #13): no userinfo, no fragment, and no
// value for a query name that looks like a credential, because HubSpot's API took its key in the
// query (`?hapikey=`) for years and real functions still send tokens that way. Declared secret
// values are redacted on top of this, as everywhere (SPEC R33).
import { redact } from '../env/redactions';

/** The longest URL a record keeps; longer ones are cut (after scrubbing and redaction). */
export const MAX_RECORDED_URL_CHARS = 2048;

/** Query names whose values are never kept, compared case-insensitively. */
const CREDENTIAL_NAMES = new Set(['hapikey', 'api_key', 'apikey', 'access_token', 'accesstoken', 'token', 'key', 'secret', 'password']);
/** A name ending in one of these words (`refresh_token`, `client-secret`, `x-api-key`) is one too. */
const CREDENTIAL_SUFFIX = /[-_.](?:token|key|secret|password)$/;

/** What stands in for a dropped value. */
export const SCRUBBED = '[REDACTED]';

/** Whether a query parameter name looks like a credential (`hapikey`, `api_key`, `Token`, `client_secret`). */
export function isCredentialName(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_NAMES.has(lower) || CREDENTIAL_SUFFIX.test(lower);
}

/**
 * The URL without userinfo or fragment, and with `[REDACTED]` for the value of every query
 * parameter whose name looks like a credential. Everything else is kept as written (no
 * re-encoding), so the record shows what the function sent.
 * @example
 * scrubUrl('https://u:p@api.hubapi.com/crm/v3/objects?hapikey=abc&limit=10');
 * // 'https://api.hubapi.com/crm/v3/objects?hapikey=[REDACTED]&limit=10'
 */
export function scrubUrl(url: string): string {
  let text = url;
  const hash = text.indexOf('#');
  if (hash !== -1) text = text.slice(0, hash);
  // RFC 3986: scheme "://" [ userinfo "@" ] host: the authority ends at the first "/", "?" or "#".
  const scheme = text.indexOf('://');
  if (scheme !== -1) {
    const start = scheme + 3;
    let end = text.length;
    for (const stop of ['/', '?']) {
      const at = text.indexOf(stop, start);
      if (at !== -1 && at < end) end = at;
    }
    const at = text.lastIndexOf('@', end);
    if (at >= start) text = text.slice(0, start) + text.slice(at + 1);
  }
  const query = text.indexOf('?');
  if (query === -1 || query === text.length - 1) return text;
  const pairs = text.slice(query + 1).split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    if (!isCredentialName(decodeName(rawName))) continue;
    if (eq === -1 || pair.length === eq + 1) continue;
    pairs[i] = `${rawName}=${SCRUBBED}`;
    changed = true;
  }
  return changed ? `${text.slice(0, query + 1)}${pairs.join('&')}` : text;
}

/**
 * The URL as an outbound record keeps it: scrubbed, declared secret values redacted (SPEC R33),
 * then cut to MAX_RECORDED_URL_CHARS (after redaction, so a cut never leaves part of a secret).
 */
export function recordedUrl(url: string, redactions: Array<[string, string]>): string {
  const shown = redact(scrubUrl(url), redactions);
  return shown.length > MAX_RECORDED_URL_CHARS ? `${shown.slice(0, MAX_RECORDED_URL_CHARS)}…` : shown;
}

/** A query name as application/x-www-form-urlencoded decodes it; as written when it does not decode. */
function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
