// List memberships from the current lists API, for profiles that no longer carry them: HubSpot
// sunset the v1 lists data on 2026-04-30 (SPEC R27: `listMemberships` is part of the contact).
//   GET  /crm/v3/lists/records/0-1/{vid}/memberships[?after=]
//        -> { results: [{ listId, listVersion, firstAddedTimestamp, ... }], paging?: { next?: { after } } }
//   POST /crm/v3/lists/idmapping   body: ["<legacyListId>", ...] (at most 10,000)
//        -> { legacyListIdsToIdsMapping: [{ legacyListId, listId }], missingLegacyListIds: [...] }
// HubSpot maps only legacy -> current ids; there is no endpoint for the other direction, so the
// way back is built from the legacy ids the host says its functions compare.
import { requestHubSpotApi, type ApiFailure } from './hubspot-api-request';
import { isRecord } from './map-contact-profile';

/** Where and as whom the API is called. */
export interface ApiSettings {
  baseUrl: string;
  accessToken: string;
}

// Bounded paging: a contact in more than 1,000 lists (10 pages of 100) is not a visitor a
// serverless function gates on; the cap keeps one lookup from looping.
const MAX_PAGES = 10;
const MAPPING_BATCH = 10_000;

/** The current (v3) ids of the lists `vid` belongs to, as the API spells them (strings). */
export async function fetchListMemberships(
  api: ApiSettings,
  vid: number,
  signal: AbortSignal,
): Promise<{ kind: 'ok'; listIds: string[] } | ApiFailure> {
  const listIds: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: string = after === null ? '' : `?after=${encodeURIComponent(after)}`;
    const outcome = await requestHubSpotApi(`${api.baseUrl}/crm/v3/lists/records/0-1/${vid}/memberships${query}`, {
      accessToken: api.accessToken,
      signal,
    });
    // A record the lists API does not know is a member of nothing.
    if (outcome.kind === 'not-found') break;
    if (outcome.kind !== 'ok') return outcome;
    const json = isRecord(outcome.json) ? outcome.json : {};
    for (const result of Array.isArray(json.results) ? json.results : []) {
      const id = isRecord(result) ? result.listId : undefined;
      if ((typeof id === 'string' || typeof id === 'number') && !listIds.includes(String(id))) listIds.push(String(id));
    }
    const next = isRecord(json.paging) && isRecord(json.paging.next) ? json.paging.next.after : undefined;
    if (typeof next !== 'string' || next === '' || next === after) break;
    after = next;
  }
  return { kind: 'ok', listIds };
}

/** current list id -> legacy list id, for the legacy ids the host names; loaded once, then cached. */
export class LegacyListIdMap {
  readonly #api: ApiSettings;
  readonly #legacyIds: string[];
  readonly #ttlMs: number;
  #map: Map<string, number | string> | null = null;
  #loadedAt = 0;
  #pending: Promise<Map<string, number | string> | ApiFailure> | null = null;

  /**
   * @param legacyListIds the legacy ids function code compares (`listMemberships.includes(123)`)
   * @param ttlMs how long a loaded mapping is trusted (list ids do not change; new lists appear)
   */
  constructor(api: ApiSettings, legacyListIds: ReadonlyArray<number | string>, ttlMs: number) {
    this.#api = api;
    this.#legacyIds = [...new Set(legacyListIds.map(String))];
    this.#ttlMs = ttlMs;
  }

  /** The mapping, from cache or from one shared request; a failure is returned, not cached. */
  resolve(signal: AbortSignal): Promise<Map<string, number | string> | ApiFailure> {
    if (this.#map !== null && Date.now() - this.#loadedAt < this.#ttlMs) return Promise.resolve(this.#map);
    if (this.#pending === null) {
      this.#pending = this.#load(signal).then((result) => {
        this.#pending = null;
        if (result instanceof Map) {
          this.#map = result;
          this.#loadedAt = Date.now();
        }
        return result;
      });
    }
    return this.#pending;
  }

  async #load(signal: AbortSignal): Promise<Map<string, number | string> | ApiFailure> {
    const map = new Map<string, number | string>();
    for (let start = 0; start < this.#legacyIds.length; start += MAPPING_BATCH) {
      const outcome = await requestHubSpotApi(`${this.#api.baseUrl}/crm/v3/lists/idmapping`, {
        accessToken: this.#api.accessToken,
        signal,
        method: 'POST',
        body: this.#legacyIds.slice(start, start + MAPPING_BATCH),
      });
      if (outcome.kind === 'not-found') return { kind: 'unavailable', status: outcome.status, retryAfter: null };
      if (outcome.kind !== 'ok') return outcome;
      const json = isRecord(outcome.json) ? outcome.json : {};
      const pairs = Array.isArray(json.legacyListIdsToIdsMapping) ? json.legacyListIdsToIdsMapping : [];
      for (const pair of pairs) {
        if (!isRecord(pair) || pair.listId === undefined || pair.legacyListId === undefined) continue;
        map.set(String(pair.listId), toListId(pair.legacyListId));
      }
    }
    return map;
  }
}

/** A legacy list id as v1 gave it: a number when it is one (`static-list-id` was numeric). */
export function toListId(value: unknown): number | string {
  const text = String(value);
  const number = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(number) ? number : text;
}
