// SPEC R27: a ready-made `contact` hook. It resolves the `hubspotutk` cookie to the contact HubSpot
// would have put in `context.contact`, through HubSpot's own API, under a short deadline so a
// slow API never eats the function's 10 s (SPEC R45), with an LRU cache of positive and negative
// answers and one shared request per utk. It never throws: every failure is `null` and a warning.
import type { Contact, ContactHook, ContactLookupInput } from '../types';
import { describeApiFailure, requestHubSpotApi, type ApiFailure } from './hubspot-api-request';
import { fetchListMemberships, LegacyListIdMap, type ApiSettings } from './list-memberships';
import { LruCache } from './lru-cache';
import { mapContactProfile, type ProfileContact } from './map-contact-profile';

/** Options of `hubspotContactLookup`. */
export interface HubSpotContactLookupOptions {
  /** A private app or OAuth access token with `crm.objects.contacts.read` and `crm.lists.read`. */
  accessToken: string;
  /** The API's origin. @default 'https://api.hubapi.com' */
  baseUrl?: string;
  /** Contact properties copied (as strings) onto the contact. @default ['email', 'firstname', 'lastname'] (HubSpot's "basic properties") */
  properties?: string[];
  /** How long an answer (a contact or "no such contact") is reused. @default 60000 */
  cacheTtlMs?: number;
  /** Deadline for one lookup, all its API calls together. @default 1500 (well inside the 10 s a function has) */
  timeoutMs?: number;
  /** The host's own session check (CMS Memberships are gone with HubSpot). @default none: `isLoggedIn` is false */
  isLoggedIn?: (request: unknown, contact: Contact) => boolean | Promise<boolean>;
  /** Which list ids `listMemberships` holds. @default 'legacy' (the ids existing function code compares) */
  listIds?: 'legacy' | 'v3';
  /** The legacy list ids your functions compare; needed to map current memberships back to them. @default [] */
  legacyListIds?: Array<number | string>;
  /** Receives warnings (401/403, 429, 5xx, timeouts), each kind at most once a minute. @default console.warn */
  onWarning?: (message: string) => void;
}

/** What is cached per utk: the contact without `isLoggedIn`, or `null` for "no contact". */
interface CachedContact {
  vid: number;
  properties: Record<string, string>;
  listMemberships: Array<number | string>;
}

const DEFAULT_PROPERTIES = ['email', 'firstname', 'lastname'];
const CACHE_ENTRIES = 10_000;
// Transient trouble (429, 5xx, timeout) is remembered only briefly, so a flapping API is not
// called on every request, yet a recovered one is used again within seconds.
const BRIEF_TTL_MS = 5_000;
const WARNING_INTERVAL_MS = 60_000;
// Current -> legacy list ids change only when lists are created; an hour keeps calls rare.
const MAPPING_TTL_MS = 3_600_000;
// A hubspotutk is 32 hex digits; anything far from a token is not worth an API call, and the
// pattern keeps path characters out of the URL.
const UTK_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A `contact` hook resolving the `hubspotutk` cookie through HubSpot's contacts and lists APIs.
 * @example
 * hubspotFunctions('./my.functions', {
 *   contact: hubspotContactLookup({ accessToken: process.env.HUBSPOT_TOKEN!, legacyListIds: [42] }),
 * });
 */
export function hubspotContactLookup(options: HubSpotContactLookupOptions): ContactHook {
  const settings = normalizeLookupOptions(options);
  const api: ApiSettings = { baseUrl: settings.baseUrl, accessToken: settings.accessToken };
  const cache = new LruCache<string, CachedContact | null>({ maxEntries: CACHE_ENTRIES });
  const inflight = new Map<string, Promise<CachedContact | null>>();
  const legacyMap = settings.legacyListIds.length === 0 ? null : new LegacyListIdMap(api, settings.legacyListIds, MAPPING_TTL_MS);
  const lastWarned = new Map<string, number>();
  const briefTtl = Math.min(settings.cacheTtlMs, BRIEF_TTL_MS);

  function warn(key: string, message: string): void {
    const now = Date.now();
    const last = lastWarned.get(key);
    if (last !== undefined && now - last < WARNING_INTERVAL_MS) return;
    lastWarned.set(key, now);
    try {
      settings.onWarning(message);
    } catch {
      // A throwing warning sink must not turn a lookup into a failure.
    }
  }

  function warnFailure(failure: ApiFailure, what: string): void {
    const key = failure.kind === 'unauthorized' || failure.kind === 'unavailable' ? `${failure.kind}:${failure.status}` : failure.kind;
    warn(key, describeApiFailure(failure, what, settings.timeoutMs));
  }

  async function resolveMemberships(profile: ProfileContact, signal: AbortSignal): Promise<{ ids: Array<number | string>; complete: boolean }> {
    if (settings.listIds === 'legacy' && profile.legacyListIds !== null) return { ids: profile.legacyListIds, complete: true };
    if (settings.listIds === 'legacy' && legacyMap === null) {
      // Without the legacy ids there is no way back from current ids (HubSpot maps one way only),
      // and passing current ids through could match another list's legacy id: grant nothing.
      warn('no-legacy-ids', 'list memberships are empty: the profile has no v1 list data and `legacyListIds` is not set. '
        + 'Pass `legacyListIds` (the legacy ids your functions compare), or `listIds: \'v3\'` to receive current ids');
      return { ids: [], complete: true };
    }
    const memberships = await fetchListMemberships(api, profile.vid, signal);
    if (memberships.kind !== 'ok') {
      warnFailure(memberships, 'the list memberships request');
      return { ids: [], complete: false };
    }
    if (settings.listIds === 'v3' || legacyMap === null) return { ids: memberships.listIds, complete: true };
    if (memberships.listIds.length === 0) return { ids: [], complete: true };
    const mapping = await legacyMap.resolve(signal);
    if (!(mapping instanceof Map)) {
      warnFailure(mapping, 'the list id mapping request');
      return { ids: [], complete: false };
    }
    const ids: Array<number | string> = [];
    for (const id of memberships.listIds) {
      const legacy = mapping.get(id);
      if (legacy !== undefined) ids.push(legacy);
    }
    return { ids, complete: true };
  }

  async function resolveContact(utk: string, signal: AbortSignal): Promise<{ value: CachedContact | null; ttl: number }> {
    const query = new URLSearchParams();
    for (const name of settings.properties) query.append('property', name);
    query.set('propertyMode', 'value_only');
    query.set('formSubmissionMode', 'none');
    query.set('showListMemberships', String(settings.listIds === 'legacy'));
    const outcome = await requestHubSpotApi(`${settings.baseUrl}/contacts/v1/contact/utk/${encodeURIComponent(utk)}/profile?${query.toString()}`, {
      accessToken: settings.accessToken,
      signal,
    });
    if (outcome.kind === 'not-found') return { value: null, ttl: settings.cacheTtlMs };
    if (outcome.kind !== 'ok') {
      warnFailure(outcome, 'the contact profile request');
      return { value: null, ttl: outcome.kind === 'unauthorized' ? settings.cacheTtlMs : briefTtl };
    }
    const profile = mapContactProfile(outcome.json, settings.properties);
    if (profile === null) return { value: null, ttl: settings.cacheTtlMs };
    const memberships = await resolveMemberships(profile, signal);
    return {
      value: { vid: profile.vid, properties: profile.properties, listMemberships: memberships.ids },
      ttl: memberships.complete ? settings.cacheTtlMs : briefTtl,
    };
  }

  async function lookupOnce(utk: string): Promise<CachedContact | null> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
    timer.unref();
    try {
      const { value, ttl } = await resolveContact(utk, controller.signal);
      cache.set(utk, value, ttl);
      return value;
    } finally {
      clearTimeout(timer);
      inflight.delete(utk);
    }
  }

  return async function hubspotContactHook(input: ContactLookupInput): Promise<Contact | null> {
    try {
      const utk = input?.utk;
      // SPEC R27: no cookie, no call.
      if (typeof utk !== 'string' || !UTK_PATTERN.test(utk)) return null;
      let cached = cache.get(utk)?.value;
      if (cached === undefined) {
        let pending = inflight.get(utk);
        if (pending === undefined) {
          pending = lookupOnce(utk);
          inflight.set(utk, pending);
        }
        cached = await pending;
      }
      if (cached === null) return null;
      // A fresh object per request: a function that mutates its context must not change the cache.
      const contact: Contact = Object.assign({ vid: cached.vid }, cached.properties, {
        isLoggedIn: false,
        listMemberships: [...cached.listMemberships],
      });
      if (settings.isLoggedIn !== null) contact.isLoggedIn = await askIsLoggedIn(settings.isLoggedIn, input.request, contact, warn);
      return contact;
    } catch (error) {
      warn('unexpected', `contact lookup failed (${error instanceof Error ? error.message : String(error)}); the function runs with contact null`);
      return null;
    }
  };
}

async function askIsLoggedIn(
  check: NonNullable<HubSpotContactLookupOptions['isLoggedIn']>,
  request: unknown,
  contact: Contact,
  warn: (key: string, message: string) => void,
): Promise<boolean> {
  try {
    return (await check(request, contact)) === true;
  } catch (error) {
    warn('is-logged-in', `the isLoggedIn check threw (${error instanceof Error ? error.message : String(error)}); the contact is not logged in`);
    return false;
  }
}

interface LookupSettings {
  accessToken: string;
  baseUrl: string;
  properties: string[];
  cacheTtlMs: number;
  timeoutMs: number;
  isLoggedIn: NonNullable<HubSpotContactLookupOptions['isLoggedIn']> | null;
  listIds: 'legacy' | 'v3';
  legacyListIds: Array<number | string>;
  onWarning: (message: string) => void;
}

/** Every default filled; a bad value throws a TypeError naming the option (STYLE: Options). */
function normalizeLookupOptions(options: HubSpotContactLookupOptions): LookupSettings {
  const fail = (name: string, value: unknown, want: string): never => {
    throw new TypeError(`hubspotContactLookup: option "${name}" must be ${want}, got ${JSON.stringify(value) ?? String(value)}`);
  };
  if (typeof options !== 'object' || options === null) fail('options', options, 'an object');
  const { accessToken, baseUrl = 'https://api.hubapi.com', properties = DEFAULT_PROPERTIES, cacheTtlMs = 60_000, timeoutMs = 1_500 } = options;
  const { isLoggedIn, listIds = 'legacy', legacyListIds = [], onWarning } = options;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') fail('accessToken', '<hidden>', 'a non-empty string (a private app access token)');
  if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl)) fail('baseUrl', baseUrl, 'an absolute URL');
  if (!Array.isArray(properties) || properties.some((p) => typeof p !== 'string' || p === '')) fail('properties', properties, 'an array of property names');
  if (typeof cacheTtlMs !== 'number' || !Number.isFinite(cacheTtlMs) || cacheTtlMs < 0) fail('cacheTtlMs', cacheTtlMs, 'a number of milliseconds, 0 or more');
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) fail('timeoutMs', timeoutMs, 'a positive number of milliseconds');
  if (isLoggedIn !== undefined && typeof isLoggedIn !== 'function') fail('isLoggedIn', isLoggedIn, 'a function');
  if (listIds !== 'legacy' && listIds !== 'v3') fail('listIds', listIds, '"legacy" or "v3"');
  if (!Array.isArray(legacyListIds) || legacyListIds.some((id) => typeof id !== 'number' && typeof id !== 'string')) fail('legacyListIds', legacyListIds, 'an array of list ids');
  if (onWarning !== undefined && typeof onWarning !== 'function') fail('onWarning', onWarning, 'a function');
  return {
    accessToken,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    properties: [...new Set(properties)],
    cacheTtlMs,
    timeoutMs,
    isLoggedIn: isLoggedIn ?? null,
    listIds,
    legacyListIds: [...legacyListIds],
    onWarning: onWarning ?? ((message) => console.warn(`[hubspot-functions] contact lookup: ${message}`)),
  };
}
