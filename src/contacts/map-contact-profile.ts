// The v1 contact profile (`GET /contacts/v1/contact/utk/{utk}/profile`) turned into the parts of
// HubSpot's `context.contact` (SPEC R27) that do not depend on the request. Its shape:
//   { vid, "is-contact", properties: { <name>: { value, versions? } },
//     "list-memberships"?: [{ "static-list-id", "internal-list-id", "is-member", ... }] }

/** A contact as cached: everything but `isLoggedIn`, which is the host's per-request answer. */
export interface ProfileContact {
  vid: number;
  properties: Record<string, string>;
  /** Legacy list ids from the profile, or `null` when the profile has none (v1 lists retired). */
  legacyListIds: number[] | null;
}

// Keys the context itself owns; a HubSpot property of that name must not replace them, and
// `__proto__` must never become an assignment to the prototype.
const RESERVED = new Set(['vid', 'isLoggedIn', 'listMemberships', '__proto__', 'constructor', 'prototype']);

/** Maps a profile answer; `null` when it is not a known contact (no vid, or `is-contact: false`). */
export function mapContactProfile(json: unknown, properties: readonly string[]): ProfileContact | null {
  if (!isRecord(json)) return null;
  const vid = typeof json.vid === 'number' ? json.vid : Number(json.vid);
  if (!Number.isSafeInteger(vid) || vid <= 0) return null;
  if (json['is-contact'] === false) return null;
  const flat: Record<string, string> = {};
  const given = isRecord(json.properties) ? json.properties : {};
  for (const name of properties) {
    if (RESERVED.has(name) || !Object.hasOwn(given, name)) continue;
    const property = given[name];
    const value = isRecord(property) ? property.value : property;
    // SPEC R27: "basic properties", flattened to strings as HubSpot's context shows them.
    if (value !== undefined && value !== null) flat[name] = String(value);
  }
  return { vid, properties: flat, legacyListIds: readProfileMemberships(json['list-memberships']) };
}

/** The static (legacy) list ids a profile lists, `null` when it lists none. */
function readProfileMemberships(value: unknown): number[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const ids: number[] = [];
  for (const membership of value) {
    if (!isRecord(membership) || membership['is-member'] === false) continue;
    const id = Number(membership['static-list-id']);
    if (Number.isSafeInteger(id) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** A non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
