// The request's cookies, for the contact hook (SPEC R27: `utk` is the `hubspotutk` cookie).
import { parse } from 'cookie';

/**
 * Parses a Cookie header into a null-prototype name → value object; never throws.
 * Values are percent-decoded where they can be (the `cookie` package's default).
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  if (header === undefined || header === '') return Object.create(null) as Record<string, string>;
  try {
    // cookie@1 returns an object that inherits nothing; copy it onto a true null prototype so
    // a `__proto__` cookie is a plain key and callers can rely on Object.getPrototypeOf === null.
    return Object.assign(Object.create(null) as Record<string, string>, parse(header));
  } catch {
    // A malformed header must not fail the request: the hook simply sees no cookies.
    return Object.create(null) as Record<string, string>;
  }
}
