// One normalizeOptions(): every default filled, frozen, and a bad value throws a TypeError that
// names the option and the value (STYLE: "Options"). Nothing downstream checks for undefined.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ContactHook, CorsOptions, FunctionsWarning, LogRecord, Options, SecretsProvider } from './types';
import type { BudgetStore } from './limits/budget-store';
import type { LogStore } from './logs/log-store';
import { hostnameOf } from './dashboard/check-host';
import { parseOrigin, type ResolvedOutbound } from './outbound/outbound-policy';
import { defaultPreloadedDir, isPreloadedName, PRELOADED_PACKAGES, type PreloadedName, type PreloadedOptions, type ResolvedPreloaded } from './preloaded/preloaded-packages';

/** The execution budget (SPEC R55). */
export interface RateLimitOptions {
  /** Execution milliseconds per window and account. @default 600000 (HubSpot: 600 s per minute) */
  budgetMs?: number;
  /** Window length. @default 60000 */
  windowMs?: number;
  /** Executions per window and account. @default none (HubSpot counts time only) */
  maxExecutions?: number;
  /** Where the budget lives. @default in memory (one process) */
  store?: BudgetStore;
  /** Serve requests when the store is unreachable. @default true */
  failOpen?: boolean;
}

/** Options added by the worker-isolation issue (#3); they size process isolation's children too (#14). */
export interface WorkerOptions {
  /** Invocations one worker runs at once. @default 1 (the Lambda model, SPEC R44) */
  concurrencyPerWorker?: number;
  /** Workers per function. @default 4 */
  maxWorkersPerFunction?: number;
  /** Calls waiting per function when every worker is busy; beyond it 503. @default 100 */
  maxQueuePerFunction?: number;
  /** An idle worker is retired after this long. @default 300000 (5 minutes) */
  workerIdleMs?: number;
  /** How often secrets are re-read. @default 60000 (HubSpot's own caching delay) */
  secretsRefreshMs?: number;
  /** How long close() waits for in-flight calls. @default 5000 */
  closeTimeoutMs?: number;
}

/** The logs dashboard (issue #6): route table and live invocations over Server-Sent Events. */
export interface DashboardOptions {
  /** Where it is served, reserved in the route table. @default '/__dashboard' */
  path?: string;
  /**
   * Decides who may see it (it shows captured console output); receives the framework's request.
   * @default everyone, except under NODE_ENV=production where it or `token` is required
   */
  authorize?: (request: unknown) => boolean | Promise<boolean>;
  /**
   * A secret every dashboard request must carry, as `Authorization: Bearer <token>` or the
   * `hsf_dashboard` cookie (set by visiting `<path>?token=<token>`); visible ASCII, no spaces.
   * @default none, except under NODE_ENV=production where it or `authorize` is required
   */
  token?: string;
  /**
   * Host names it answers besides loopback ones (`localhost`, `*.localhost`, `127.0.0.0/8`,
   * `[::1]`); a leading dot takes the domain and its subdomains. Any other `Host` is refused: a
   * page whose name was rebound to 127.0.0.1 must not read the records (DNS rebinding).
   * @default [] (loopback only)
   */
  allowedHosts?: string[];
  /** Event streams open at once; one more is refused with 503. @default 32 */
  maxStreams?: number;
  /**
   * Bytes an event stream may hold for a client that does not read; past it the client is
   * dropped (its browser reconnects and gets the buffered records again).
   * @default 1048576 (1 MiB: a few hundred records)
   */
  maxStreamBufferBytes?: number;
}

/**
 * Where functions' outbound HTTP(S) calls go (issue #13): every call is recorded on the
 * invocation's log record (`outbound`) whatever this says; this only redirects or refuses them.
 */
export interface OutboundOptions {
  /**
   * Origin → origin, `http(s)://host[:port]` without a path: a call to a listed origin goes to
   * the target instead, with the same method, path, query, headers and body (Host set to the
   * target). E.g. `{ 'https://api.hubapi.com': 'http://127.0.0.1:4010' }`.
   * @default {} (every call goes where it was sent)
   */
  rewrite?: Record<string, string>;
  /**
   * A call to an origin that is not rewritten fails at once inside the function, with an error
   * (`HSF_OUTBOUND_DENIED`) naming the URL: for tests that must never reach a real API.
   * @default false; `createTestApp`: true
   */
  deny?: boolean;
  /** Under `deny`, calls to `localhost`, 127.0.0.0/8 and `::1` still go through. @default true (local fakes) */
  allowLoopback?: boolean;
}

export interface AllOptions extends Options, WorkerOptions {
  /** The execution budget; `false` turns it off. @default HubSpot's 600 s per minute, in memory */
  rateLimit?: false | RateLimitOptions;
  /** Serve private app functions at `POST <projects prefix>/app-functions/<name>`. @default false */
  appFunctionsRoute?: boolean;
  /** Reload what changed when a function file or its config changes (issue #6). @default false */
  watch?: boolean;
  /** The logs dashboard; `false` turns it off. @default false (it shows console output) */
  dashboard?: false | DashboardOptions;
  /**
   * Where every record is also appended, shared by every instance (e.g. createRedisLogStore from
   * "hubspot-functions/redis"); the dashboard then shows every instance's invocations (issue #15).
   * @default none: records stay in this process
   */
  logStore?: LogStore;
  /** This server's name on its records (`record.instance`). @default `<hostname>:<pid>` */
  instance?: string;
  /**
   * OpenTelemetry spans and metrics per invocation, when `@opentelemetry/api` is installed and an
   * SDK is registered before the host is created; `false` turns them off.
   * @default true (nothing is loaded or done without the API and a registered SDK)
   */
  telemetry?: boolean;
  /**
   * HubSpot's preloaded packages (SPEC R42), as `hubspot-functions install` provides them;
   * `false` turns the set off (every package must then come from a folder or its parents).
   * @default HubSpot's documented ranges, in the cache `install` fills
   */
  preloaded?: false | PreloadedOptions;
  /** Redirect or refuse functions' outbound calls; `false` is `{}`. @default every call goes where it was sent (`createTestApp`: `{ deny: true }`) */
  outbound?: false | OutboundOptions;
}

/** The dashboard with its defaults filled. */
export interface ResolvedDashboard {
  path: string;
  authorize: ((request: unknown) => boolean | Promise<boolean>) | null;
  token: string | null;
  /** Lower-case host names; `.example.com` takes the domain and its subdomains. */
  allowedHosts: readonly string[];
  maxStreams: number;
  maxStreamBufferBytes: number;
}

export interface ResolvedRateLimit {
  budgetMs: number;
  windowMs: number;
  maxExecutions: number | null;
  store: BudgetStore | null;
  failOpen: boolean;
}

export interface ResolvedOptions {
  readonly prefix: { readonly designManager: string; readonly projects: string };
  readonly accountId: number | ((request: unknown) => number);
  readonly secrets: SecretsProvider | null;
  readonly contact: ContactHook | null;
  readonly isolation: 'process' | 'worker' | 'inline';
  readonly timeoutMs: number;
  readonly appFunctionTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly memoryLimitMb: number;
  readonly onLog: ((record: LogRecord) => void) | null;
  readonly onWarning: (warning: FunctionsWarning) => void;
  readonly cors: Readonly<Required<CorsOptions>> | null;
  readonly duplicateRoutes: 'error' | 'last-wins';
  readonly strict: boolean;
  readonly contextSecrets: boolean;
  readonly rawBody: boolean;
  readonly envAllowList: readonly string[];
  readonly trustProxy: boolean;
  readonly rateLimit: Readonly<ResolvedRateLimit> | null;
  readonly appFunctionsRoute: boolean;
  readonly concurrencyPerWorker: number;
  readonly maxWorkersPerFunction: number;
  readonly maxQueuePerFunction: number;
  readonly workerIdleMs: number;
  readonly secretsRefreshMs: number;
  readonly closeTimeoutMs: number;
  readonly watch: boolean;
  readonly dashboard: Readonly<ResolvedDashboard> | null;
  readonly preloaded: ResolvedPreloaded | null;
  /** Where outbound calls go (issue #13); null when every call goes where it was sent. */
  readonly outbound: ResolvedOutbound | null;
  /** Whether `onLog` was left to its default (the stderr sink is then supplied by the host). */
  readonly defaultLogSink: boolean;
  readonly logStore: LogStore | null;
  readonly instance: string;
  readonly telemetry: boolean;
}

export const DEFAULT_PREFIX = { designManager: '/_hcms/api', projects: '/hs/serverless' } as const;
export const DEFAULT_ENV_ALLOW_LIST = ['NODE_ENV', 'TZ', 'PATH', 'HOME', 'LANG'] as const;

const KNOWN = new Set<string>([
  'prefix', 'accountId', 'secrets', 'contact', 'isolation', 'timeoutMs', 'appFunctionTimeoutMs',
  'maxBodyBytes', 'memoryLimitMb', 'onLog', 'onWarning', 'cors', 'duplicateRoutes', 'strict',
  'contextSecrets', 'rawBody', 'envAllowList', 'trustProxy', 'rateLimit', 'appFunctionsRoute',
  'concurrencyPerWorker', 'maxWorkersPerFunction', 'maxQueuePerFunction', 'workerIdleMs',
  'secretsRefreshMs', 'closeTimeoutMs', 'watch', 'dashboard', 'preloaded', 'logStore', 'instance', 'telemetry', 'outbound',
]);

export const DEFAULT_DASHBOARD_PATH = '/__dashboard';

function fail(name: string, value: unknown, expected: string): never {
  let shown: string;
  try {
    shown = typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  throw new TypeError(`hubspot-functions: option "${name}" must be ${expected}; got ${shown}`);
}

function positiveInt(name: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(name, value, `an integer >= ${min}`);
  }
  return value;
}

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(name, value, 'true or false');
  return value;
}

/** A URL prefix: leading slash, no trailing slash; `''` mounts at the root. */
function normalizePrefix(name: string, value: unknown): string {
  if (typeof value !== 'string') fail(name, value, 'a string such as "/_hcms/api"');
  const trimmed = value.replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (/[?#\s]/.test(trimmed)) fail(name, value, 'a URL path without query, fragment or spaces');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function readAccountIdFromEnv(): number {
  const raw = process.env.HUBSPOT_ACCOUNT_ID;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) fail('accountId (from HUBSPOT_ACCOUNT_ID)', raw, 'a non-negative integer');
  return n;
}

function normalizeCors(value: unknown): Readonly<Required<CorsOptions>> | null {
  if (value === undefined || value === false) return null;
  if (typeof value !== 'object' || value === null) fail('cors', value, 'false or { origins, credentials?, maxAge? }');
  const v = value as CorsOptions;
  const originsOk =
    typeof v.origins === 'function' || (Array.isArray(v.origins) && v.origins.every((o) => typeof o === 'string'));
  if (!originsOk) fail('cors.origins', v.origins, 'an array of origins (e.g. ["https://www.example.com"]) or a predicate');
  return Object.freeze({
    origins: Array.isArray(v.origins) ? Object.freeze([...v.origins]) as string[] : v.origins,
    credentials: bool('cors.credentials', v.credentials, false),
    maxAge: positiveInt('cors.maxAge', v.maxAge, 600, 0),
  });
}

function normalizeRateLimit(value: unknown): Readonly<ResolvedRateLimit> | null {
  if (value === false) return null;
  const v = (value ?? {}) as RateLimitOptions;
  if (typeof v !== 'object' || v === null) fail('rateLimit', value, 'false or { budgetMs?, windowMs?, maxExecutions?, store?, failOpen? }');
  if (v.store !== undefined && (typeof v.store !== 'object' || v.store === null || typeof v.store.reserve !== 'function')) {
    fail('rateLimit.store', v.store, 'a budget store (e.g. createRedisBudgetStore from "hubspot-functions/redis")');
  }
  return Object.freeze({
    budgetMs: positiveInt('rateLimit.budgetMs', v.budgetMs, 600_000),
    windowMs: positiveInt('rateLimit.windowMs', v.windowMs, 60_000),
    maxExecutions: v.maxExecutions === undefined ? null : positiveInt('rateLimit.maxExecutions', v.maxExecutions, 1),
    store: v.store ?? null,
    failOpen: bool('rateLimit.failOpen', v.failOpen, true),
  });
}

const DASHBOARD_KEYS = new Set(['path', 'authorize', 'token', 'allowedHosts', 'maxStreams', 'maxStreamBufferBytes']);

/** A token that travels unchanged in a header, a cookie and a query: visible ASCII (0x21-0x7E). */
function isVisibleAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return value.length > 0;
}

function normalizeAllowedHosts(value: unknown): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  const expected = 'an array of host names such as ["dash.example.com", ".corp.example"] (no scheme, port or path)';
  if (!Array.isArray(value)) fail('dashboard.allowedHosts', value, expected);
  return Object.freeze(value.map((entry: unknown) => {
    if (typeof entry !== 'string') fail('dashboard.allowedHosts', value, expected);
    const dot = entry.startsWith('.');
    const bare = dot ? entry.slice(1) : entry;
    const name = hostnameOf(bare);
    // hostnameOf reads a Host header and drops its port: an entry that already had one would
    // not survive a second.
    if (name === null || hostnameOf(`${bare}:1`) !== name) fail('dashboard.allowedHosts', value, expected);
    return dot ? `.${name}` : name;
  }));
}

function normalizeLogStore(value: unknown): LogStore | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null) fail('logStore', value, 'a log store (e.g. createRedisLogStore from "hubspot-functions/redis")');
  const v = value as Partial<Record<keyof LogStore, unknown>>;
  if (typeof v.append !== 'function' || typeof v.read !== 'function' || typeof v.follow !== 'function') {
    fail('logStore', value, 'a log store with append(), read() and follow() (e.g. createRedisLogStore from "hubspot-functions/redis")');
  }
  return value as LogStore;
}

function normalizeInstance(value: unknown): string {
  if (value === undefined) return `${hostname()}:${process.pid}`;
  // It is shown in a table column and a filter, and travels in JSON: one printable line.
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
    fail('instance', value, 'a non-empty name of at most 200 characters without control characters, e.g. "web-1"');
  }
  return value;
}

function normalizeDashboard(value: unknown): Readonly<ResolvedDashboard> | null {
  if (value === undefined || value === false) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('dashboard', value, 'false or { path?, authorize?, token?, allowedHosts?, maxStreams?, maxStreamBufferBytes? }');
  for (const key of Object.keys(value)) {
    if (!DASHBOARD_KEYS.has(key)) throw new TypeError(`hubspot-functions: unknown option "dashboard.${key}". Known: ${[...DASHBOARD_KEYS].join(', ')}`);
  }
  const v = value as DashboardOptions;
  const path = v.path === undefined ? DEFAULT_DASHBOARD_PATH : normalizePrefix('dashboard.path', v.path);
  if (path === '') fail('dashboard.path', v.path, 'a URL path other than "/"');
  if (v.authorize !== undefined && typeof v.authorize !== 'function') fail('dashboard.authorize', v.authorize, 'a function (request) => boolean | Promise<boolean>');
  if (v.token !== undefined && (typeof v.token !== 'string' || !isVisibleAscii(v.token))) {
    // A secret: its text is never echoed.
    fail('dashboard.token', typeof v.token === 'string' ? '(a string, not shown)' : v.token, 'a non-empty string of visible ASCII characters (no spaces)');
  }
  // The dashboard shows captured console output: in production it must be guarded (issues #6, #10).
  if (v.authorize === undefined && v.token === undefined && process.env.NODE_ENV === 'production') {
    throw new TypeError('hubspot-functions: under NODE_ENV=production the dashboard needs option "dashboard.token" or "dashboard.authorize" ' +
      '(it shows console output); `serve` takes --dashboard-token <token>');
  }
  return Object.freeze({
    path,
    authorize: v.authorize ?? null,
    token: v.token ?? null,
    allowedHosts: normalizeAllowedHosts(v.allowedHosts),
    maxStreams: positiveInt('dashboard.maxStreams', v.maxStreams, 32),
    // One record is at most about 5 KB (4 KB of log, SPEC R61): a smaller bound would drop every client.
    maxStreamBufferBytes: positiveInt('dashboard.maxStreamBufferBytes', v.maxStreamBufferBytes, 1_048_576, 16_384),
  });
}

/** SPEC R42: HubSpot's documented ranges, each replaceable (or left out) through `versions`. */
export function normalizePreloaded(value: unknown): ResolvedPreloaded | null {
  if (value === false) return null;
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    fail('preloaded', value, 'false or { dir?, versions? }');
  }
  const v = (value ?? {}) as PreloadedOptions;
  if (v.dir !== undefined && (typeof v.dir !== 'string' || v.dir === '')) fail('preloaded.dir', v.dir, 'a directory path');
  const versions = v.versions ?? {};
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) fail('preloaded.versions', versions, 'an object of package name → version range');
  for (const [name, spec] of Object.entries(versions)) {
    if (!isPreloadedName(name)) fail(`preloaded.versions["${name}"]`, spec, `a key among ${Object.keys(PRELOADED_PACKAGES).join(', ')} (other packages belong in a folder's package.json)`);
    if (spec !== false && (typeof spec !== 'string' || spec.trim() === '')) fail(`preloaded.versions["${name}"]`, spec, 'a version range such as "^1.7.0", or false');
  }
  const packages = (Object.keys(PRELOADED_PACKAGES) as PreloadedName[]).flatMap((name) => {
    const spec = Object.hasOwn(versions, name) ? versions[name] : PRELOADED_PACKAGES[name];
    if (spec === false || spec === undefined) return [];
    // A relative `file:` spec names the same tarball wherever npm runs (the cache, not the cwd).
    const trimmed = spec.trim();
    const local = /^file:(?!\/)(.+)$/.exec(trimmed);
    return [Object.freeze({ name, spec: local === null ? trimmed : `file:${resolve(local[1])}` })];
  });
  return Object.freeze({ dir: resolve(v.dir ?? defaultPreloadedDir()), packages: Object.freeze(packages) });
}

const OUTBOUND_KEYS = new Set(['rewrite', 'deny', 'allowLoopback']);
const ORIGIN = 'an origin: http:// or https://, a host and an optional port, without path, query or credentials (e.g. "http://127.0.0.1:4010")';

/** Issue #13: origins checked and normalized at mount; null when nothing is redirected or refused. */
export function normalizeOutbound(value: unknown): Readonly<ResolvedOutbound> | null {
  if (value === undefined || value === false) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('outbound', value, 'false or { rewrite?, deny?, allowLoopback? }');
  for (const key of Object.keys(value)) {
    if (!OUTBOUND_KEYS.has(key)) throw new TypeError(`hubspot-functions: unknown option "outbound.${key}". Known: ${[...OUTBOUND_KEYS].join(', ')}`);
  }
  const v = value as OutboundOptions;
  const given = v.rewrite ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) fail('outbound.rewrite', given, 'an object of origin → origin, e.g. { "https://api.hubapi.com": "http://127.0.0.1:4010" }');
  const rewrite: Record<string, string> = {};
  for (const [from, to] of Object.entries(given)) {
    const source = parseOrigin(from);
    if (source === null) fail('outbound.rewrite', from, `keys that are each ${ORIGIN}; this key`);
    const target = parseOrigin(to);
    if (target === null) fail(`outbound.rewrite["${from}"]`, to, ORIGIN);
    if (Object.hasOwn(rewrite, source) && rewrite[source] !== target) fail('outbound.rewrite', given, `one target per origin; "${from}" is listed twice`);
    rewrite[source] = target;
  }
  const deny = bool('outbound.deny', v.deny, false);
  const allowLoopback = bool('outbound.allowLoopback', v.allowLoopback, true);
  if (Object.keys(rewrite).length === 0 && !deny) return null;
  return Object.freeze({ rewrite: Object.freeze(rewrite), deny, allowLoopback });
}

/**
 * Validates options and fills every default.
 * @throws TypeError naming the option and the value
 */
export function normalizeOptions(input: AllOptions = {}): ResolvedOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`hubspot-functions: options must be an object; got ${JSON.stringify(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) {
      throw new TypeError(`hubspot-functions: unknown option "${key}". Known options: ${[...KNOWN].join(', ')}`);
    }
  }

  let prefix: ResolvedOptions['prefix'] = DEFAULT_PREFIX;
  if (typeof input.prefix === 'string') {
    const p = normalizePrefix('prefix', input.prefix);
    prefix = { designManager: p, projects: p };
  } else if (input.prefix !== undefined) {
    if (typeof input.prefix !== 'object' || input.prefix === null) fail('prefix', input.prefix, 'a string or { designManager?, projects? }');
    prefix = {
      designManager: input.prefix.designManager === undefined ? DEFAULT_PREFIX.designManager : normalizePrefix('prefix.designManager', input.prefix.designManager),
      projects: input.prefix.projects === undefined ? DEFAULT_PREFIX.projects : normalizePrefix('prefix.projects', input.prefix.projects),
    };
  }

  let accountId: ResolvedOptions['accountId'];
  if (input.accountId === undefined) accountId = readAccountIdFromEnv();
  else if (typeof input.accountId === 'function') accountId = input.accountId;
  else if (typeof input.accountId === 'number' && Number.isInteger(input.accountId) && input.accountId >= 0) accountId = input.accountId;
  else fail('accountId', input.accountId, 'a non-negative integer or a function of the request');

  const secrets = input.secrets;
  if (secrets !== undefined && typeof secrets !== 'function' && (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets))) {
    fail('secrets', secrets, 'an object of name → value, or a function (name) => value | Promise<value>');
  }
  if (input.contact !== undefined && input.contact !== null && typeof input.contact !== 'function') {
    fail('contact', input.contact, 'a function ({ utk, cookies, headers, request }) => contact | null');
  }
  // SPEC R44: a child process per instance by default (issue #14: only a process boundary keeps
  // a synchronous Buffer or typed-array flood out of the host's memory); worker threads when
  // cheaper instances matter more; inline for speed and in-process HTTP mocks.
  const isolation = input.isolation ?? 'process';
  if (isolation !== 'process' && isolation !== 'inline' && isolation !== 'worker') fail('isolation', isolation, '"process", "worker" or "inline"');
  if (input.onLog !== undefined && input.onLog !== false && typeof input.onLog !== 'function') {
    fail('onLog', input.onLog, 'a function (record) => void, or false');
  }
  if (input.onWarning !== undefined && typeof input.onWarning !== 'function') {
    fail('onWarning', input.onWarning, 'a function (warning) => void');
  }
  const duplicateRoutes = input.duplicateRoutes ?? 'error';
  if (duplicateRoutes !== 'error' && duplicateRoutes !== 'last-wins') fail('duplicateRoutes', duplicateRoutes, '"error" or "last-wins"');
  let envAllowList: readonly string[] = DEFAULT_ENV_ALLOW_LIST;
  if (input.envAllowList !== undefined) {
    if (!Array.isArray(input.envAllowList) || !input.envAllowList.every((n) => typeof n === 'string' && n !== '')) {
      fail('envAllowList', input.envAllowList, 'an array of environment variable names');
    }
    envAllowList = Object.freeze([...input.envAllowList]);
  }

  return Object.freeze({
    prefix: Object.freeze({ ...prefix }),
    accountId,
    secrets: secrets ?? null,
    contact: input.contact ?? null,
    isolation,
    timeoutMs: positiveInt('timeoutMs', input.timeoutMs, 10_000),
    appFunctionTimeoutMs: positiveInt('appFunctionTimeoutMs', input.appFunctionTimeoutMs, 2_000),
    maxBodyBytes: positiveInt('maxBodyBytes', input.maxBodyBytes, 6_291_456, 0),
    memoryLimitMb: positiveInt('memoryLimitMb', input.memoryLimitMb, 128, 8),
    onLog: input.onLog === false ? null : input.onLog ?? null,
    onWarning: input.onWarning ?? ((w: FunctionsWarning) => console.warn(`hubspot-functions: ${w.message}`)),
    cors: normalizeCors(input.cors),
    duplicateRoutes,
    strict: bool('strict', input.strict, false),
    contextSecrets: bool('contextSecrets', input.contextSecrets, true),
    rawBody: bool('rawBody', input.rawBody, false),
    envAllowList,
    trustProxy: bool('trustProxy', input.trustProxy, false),
    rateLimit: normalizeRateLimit(input.rateLimit),
    appFunctionsRoute: bool('appFunctionsRoute', input.appFunctionsRoute, false),
    concurrencyPerWorker: positiveInt('concurrencyPerWorker', input.concurrencyPerWorker, 1),
    maxWorkersPerFunction: positiveInt('maxWorkersPerFunction', input.maxWorkersPerFunction, 4),
    maxQueuePerFunction: positiveInt('maxQueuePerFunction', input.maxQueuePerFunction, 100, 0),
    workerIdleMs: positiveInt('workerIdleMs', input.workerIdleMs, 300_000),
    secretsRefreshMs: positiveInt('secretsRefreshMs', input.secretsRefreshMs, 60_000, 0),
    closeTimeoutMs: positiveInt('closeTimeoutMs', input.closeTimeoutMs, 5_000, 0),
    watch: bool('watch', input.watch, false),
    dashboard: normalizeDashboard(input.dashboard),
    preloaded: normalizePreloaded(input.preloaded),
    outbound: normalizeOutbound(input.outbound),
    defaultLogSink: input.onLog === undefined,
    logStore: normalizeLogStore(input.logStore),
    instance: normalizeInstance(input.instance),
    telemetry: bool('telemetry', input.telemetry, true),
  });
}
