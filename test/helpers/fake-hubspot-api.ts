// A real HTTP server on 127.0.0.1 that speaks the parts of HubSpot's API the contact lookup uses
// (SPEC R27) and that functions call (issue #13: `outbound.rewrite` points api.hubapi.com here),
// counting every request so tests can prove what was and was not called:
//   GET  /contacts/v1/contact/utk/{utk}/profile
//   GET  /crm/v3/lists/records/0-1/{vid}/memberships[?after=]
//   POST /crm/v3/lists/idmapping
//   GET  /crm/v3/objects/contacts          (the CRM objects page; Bearer token or ?hapikey=)
//   POST /crm/v3/objects/contacts          (creates one, echoes its properties)
//   GET  /slow/{ms}                        (answers after ms, no authentication)
//   GET  /redirect?to=<url>                (302 to <url>, no authentication)
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A contact the fake API knows, by utk. */
export interface FakeContact {
  vid: number;
  properties: Record<string, string | number | null>;
  /** v1 `list-memberships` static list ids; absent: the profile carries none (v1 lists retired). */
  legacyLists?: number[];
  /** v1's `is-contact`; false for an anonymous visitor's profile. */
  isContact?: boolean;
}

/** One request the fake API received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The Host header as received. */
  host: string | undefined;
  body: string;
}

/** A CRM object as /crm/v3/objects/contacts lists it. */
export interface FakeCrmObject {
  id: string;
  properties: Record<string, string | null>;
}

/** What the fake API answers; tests change it between calls. */
export interface FakeApiState {
  token: string;
  contacts: Map<string, FakeContact>;
  /** vid -> current (v3) list ids. */
  memberships: Map<number, string[]>;
  /** legacy list id -> current list id. */
  idMapping: Map<string, string>;
  /** Delay before every answer, in ms. */
  delayMs: number;
  /** Answer every request with this status instead. */
  forceStatus: number | null;
  /** Answer requests whose path starts with a key with its status instead. */
  routeStatus: Map<string, number>;
  /** Membership results per page. */
  pageSize: number;
  /** A legacy API key accepted as `?hapikey=` besides the Bearer token; null: none. */
  hapikey: string | null;
  /** What GET /crm/v3/objects/contacts lists. */
  crmContacts: FakeCrmObject[];
}

/** A running fake API. */
export interface FakeHubSpotApi {
  baseUrl: string;
  state: FakeApiState;
  requests: RecordedRequest[];
  /** Requests whose path starts with `prefix`. */
  count(prefix?: string): number;
  close(): Promise<void>;
}

/** Starts the fake API on 127.0.0.1 and a free port. */
export async function startFakeHubSpotApi(initial: Partial<FakeApiState> = {}): Promise<FakeHubSpotApi> {
  const state: FakeApiState = {
    token: 'good-token',
    contacts: new Map(),
    memberships: new Map(),
    idMapping: new Map(),
    delayMs: 0,
    forceStatus: null,
    routeStatus: new Map(),
    pageSize: 100,
    hapikey: null,
    crmContacts: [],
    ...initial,
  };
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        host: req.headers.host,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const send = (): void => {
        const [status, body] = answer(state, recorded);
        if (res.destroyed) return;
        const location = status === 302 ? { location: recorded.query.get('to') ?? '/' } : {};
        res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '10' } : {}), ...location });
        res.end(JSON.stringify(body));
      };
      const delay = isSlow(recorded) ?? state.delayMs;
      if (delay <= 0) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, delay);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    state,
    requests,
    count: (prefix = '/') => requests.filter((r) => r.path.startsWith(prefix)).length,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The delay GET /slow/{ms} asks for, or null for any other request. */
function isSlow(req: RecordedRequest): number | null {
  const match = /^\/slow\/(\d+)$/.exec(req.path);
  return match && req.method === 'GET' ? Number(match[1]) : null;
}

function answer(state: FakeApiState, req: RecordedRequest): [number, unknown] {
  if (state.forceStatus !== null) return [state.forceStatus, { status: 'error', message: 'forced' }];
  for (const [prefix, status] of state.routeStatus) {
    if (req.path.startsWith(prefix)) return [status, { status: 'error', message: 'forced' }];
  }
  if (isSlow(req) !== null) return [200, { slow: true }];
  if (req.path === '/redirect' && req.method === 'GET') return [302, { redirecting: true }];
  const byKey = state.hapikey !== null && req.query.get('hapikey') === state.hapikey;
  if (req.authorization !== `Bearer ${state.token}` && !byKey) {
    return [401, { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'Authentication credentials not found' }];
  }
  let match = /^\/contacts\/v1\/contact\/utk\/([^/]+)\/profile$/.exec(req.path);
  if (match && req.method === 'GET') {
    const contact = state.contacts.get(decodeURIComponent(match[1]));
    if (contact === undefined) return [404, { status: 'error', message: 'contact does not exist' }];
    const wanted = req.query.getAll('property');
    const properties: Record<string, { value: unknown; versions: unknown[] }> = {};
    for (const [name, value] of Object.entries(contact.properties)) {
      if (wanted.length === 0 || wanted.includes(name)) properties[name] = { value, versions: [] };
    }
    const profile: Record<string, unknown> = {
      vid: contact.vid,
      'canonical-vid': contact.vid,
      'is-contact': contact.isContact ?? true,
      properties,
    };
    if (contact.legacyLists !== undefined && req.query.get('showListMemberships') !== 'false') {
      profile['list-memberships'] = contact.legacyLists.map((id) => ({
        'static-list-id': id, 'internal-list-id': 2_147_483_000 + id, timestamp: 1_700_000_000_000, vid: contact.vid, 'is-member': true,
      }));
    }
    return [200, profile];
  }
  match = /^\/crm\/v3\/lists\/records\/0-1\/(\d+)\/memberships$/.exec(req.path);
  if (match && req.method === 'GET') {
    const all = state.memberships.get(Number(match[1])) ?? [];
    const start = Number(req.query.get('after') ?? '0');
    const page = all.slice(start, start + state.pageSize);
    const next = start + state.pageSize < all.length ? { next: { after: String(start + state.pageSize), link: '' } } : undefined;
    return [200, {
      results: page.map((listId) => ({ listId, listVersion: 1, firstAddedTimestamp: '2024-01-01T00:00:00Z', lastAddedTimestamp: '2024-01-01T00:00:00Z' })),
      total: all.length,
      ...(next ? { paging: next } : {}),
    }];
  }
  if (req.path === '/crm/v3/objects/contacts' && req.method === 'GET') {
    const stamp = '2024-01-01T00:00:00.000Z';
    const limit = Number(req.query.get('limit') ?? '10');
    const results = state.crmContacts.slice(0, limit).map((c) => ({ ...c, createdAt: stamp, updatedAt: stamp, archived: false }));
    return [200, { results }];
  }
  if (req.path === '/crm/v3/objects/contacts' && req.method === 'POST') {
    const stamp = '2024-01-01T00:00:00.000Z';
    const { properties } = JSON.parse(req.body || '{}') as { properties?: Record<string, string> };
    return [201, { id: String(1000 + state.crmContacts.length), properties: properties ?? {}, createdAt: stamp, updatedAt: stamp, archived: false }];
  }
  if (req.path === '/crm/v3/lists/idmapping' && req.method === 'POST') {
    const legacyIds = JSON.parse(req.body) as string[];
    const found = legacyIds.filter((id) => state.idMapping.has(id));
    return [200, {
      legacyListIdsToIdsMapping: found.map((legacyListId) => ({ legacyListId, listId: state.idMapping.get(legacyListId) })),
      missingLegacyListIds: legacyIds.filter((id) => !state.idMapping.has(id)),
    }];
  }
  return [404, { status: 'error', message: `no route ${req.method} ${req.path}` }];
}
