// Query strings and form posts as HubSpot hands them to a function: every value an array of
// strings (SPEC R21), form fields after the query's (SPEC R22).
import type { Params } from '../types';

/**
 * Appends one value under a key of a null-prototype params object.
 * A null prototype makes `__proto__` and `constructor` plain keys (SPEC R21).
 */
function appendParam(params: Params, key: string, value: string): void {
  const existing = params[key];
  if (existing === undefined) params[key] = [value];
  else existing.push(value);
}

/**
 * Parses a query string into params: every key maps to an array of its values, in order (SPEC R21).
 * @param search The URL's search part, with or without its leading `?`.
 * @example parseParams('?a=1&a=2&b=') // { a: ['1', '2'], b: [''] }
 */
export function parseParams(search: string): Params {
  const params = Object.create(null) as Params;
  // SPEC R21: flat URLSearchParams semantics (application/x-www-form-urlencoded parsing of the
  // WHATWG URL standard): `+` is a space, `a[b]` is just a key, a leading `?` is ignored.
  // SPEC R14: `portalid` is one more key, with no special handling.
  if (search === '' || search === '?') return params;
  for (const [key, value] of new URLSearchParams(search)) appendParam(params, key, value);
  return params;
}

/**
 * Merges form fields into params: a new object where each field's values come after the query
 * values of the same key (SPEC R22).
 * @param form The decoded urlencoded body, or params already parsed from it (a host body parser).
 */
export function mergeFormParams(params: Params, form: string | Params): Params {
  const merged = Object.create(null) as Params;
  for (const key of Object.keys(params)) merged[key] = [...params[key]];
  const fields = typeof form === 'string' ? parseParams(form) : form;
  for (const key of Object.keys(fields)) {
    for (const value of fields[key]) appendParam(merged, key, value);
  }
  return merged;
}
