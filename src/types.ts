// Public types of hubspot-functions. Names and shapes are fixed by issue #2: other tools depend on them.
import type { WarningCode } from './warnings';

/** Query and form values as HubSpot passes them: every key maps to an array of strings (SPEC R21). */
export type Params = Record<string, string[]>;

/** Request headers, names lower-cased; reads are case-insensitive (SPEC R25). */
export type Headers = Record<string, string>;

/** A contact as HubSpot puts it in `context.contact` (SPEC R27). */
export interface Contact {
  vid: number;
  isLoggedIn: boolean;
  listMemberships: Array<number | string>;
  [property: string]: unknown;
}

/** How close the account is to its execution budget (SPEC R28). */
export interface Limits {
  executionsRemaining: number;
  /** Milliseconds left of this window's execution budget. */
  timeRemaining: number;
}

/** The `context` an endpoint function receives (SPEC R20). */
export interface HubSpotContext {
  accountId: number;
  body: unknown;
  contact: Contact | null;
  headers: Headers;
  params: Params;
  limits: Limits;
  method: string;
  /** The config path without leading slash, e.g. `events/update`. */
  endpoint: string;
  /** The function's declared secrets (SPEC R29); absent with `contextSecrets: false`. */
  secrets?: Record<string, string>;
  /** The request's exact bytes, with the `rawBody` option. */
  rawBody?: Buffer;
  /** The absolute original URL, with the `rawBody` option. */
  url?: string;
}

/** The `context` a private app function receives when invoked by name (SPEC R3, R40). */
export interface AppFunctionContext {
  parameters: Record<string, unknown>;
  propertiesToSend: Record<string, unknown>;
  event: Record<string, unknown> | null;
  accountId: number;
  secrets?: Record<string, string>;
  limits: Limits;
}

/** What a function answers (SPEC R50). */
export interface ServerlessResponse {
  statusCode?: number;
  body?: unknown;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  'Set-Cookie'?: string | string[];
}

/**
 * The callback a design-manager function calls to answer (SPEC R41): a ServerlessResponse, or any
 * other value, which is then the body of a 200 (SPEC R51).
 */
export type SendResponse = (response?: unknown) => void;

/** The type of a function file's `main` export (SPEC R40, R41). */
export type ServerlessFunction = (
  context: HubSpotContext & AppFunctionContext,
  sendResponse: SendResponse,
) => unknown;

export type LogStatus = 'SUCCESS' | 'ERROR' | 'UNHANDLED_ERROR' | 'HANDLED_ERROR';

/**
 * One HTTP(S) request a function made during an invocation (issue #13), through `http`/`https`
 * (and every client built on them) or global `fetch`.
 */
export interface OutboundCall {
  /** Upper-case, as sent. */
  method: string;
  /**
   * The URL the function asked for (before any `outbound.rewrite`), without userinfo or
   * fragment, credential-like query values (`hapikey`, `token`, ...) replaced by `[REDACTED]`
   * and declared secret values redacted (SPEC R33); at most 2,048 characters.
   */
  url: string;
  /** The response's status; `null` when none came (a failure, or still running when the function answered). */
  status: number | null;
  /** From the call to its response's headers, its failure, or the function's answer, in whole ms. */
  durationMs: number;
  /** Why it failed, as `<code>: <message>` (`ECONNREFUSED: ...`, `HSF_OUTBOUND_DENIED: ...`). */
  error?: string;
  /** The origin `outbound.rewrite` sent it to instead (`http://127.0.0.1:4010`). */
  rewrittenTo?: string;
}

/** One invocation's log record, in the shape of HubSpot's log API (SPEC R60). */
export interface LogRecord {
  id: string;
  status: LogStatus;
  createdAt: number;
  executionTime: number;
  memory: string;
  log: string;
  error?: { type: string; message: string; stackTrace: string[] };
  endpoint: string;
  method: string;
  statusCode: number;
  /** The route entry's id (SPEC R9). */
  functionId?: string;
  accountId?: number;
  /** The HTTP(S) calls the function made, in order of start, at most 100; absent when it made none (issue #13). */
  outbound?: OutboundCall[];
  /** Calls past the first 100, not listed in `outbound`. */
  outboundDropped?: number;
  /** The name of the server instance that ran it (the `instance` option; issue #15). */
  instance: string;
  /**
   * Warnings raised during the invocation: a second `sendResponse` (SPEC R47), a throw or console
   * output after the answer. Absent when there were none.
   */
  warnings?: RecordWarning[];
}

/** What `host.health()` answers (issue #15); `serve --health <path>` answers it as JSON. */
export interface HostHealth {
  /** `ok` (HTTP 200): every module loaded or failed; `loading` and `draining` (HTTP 503): not ready. */
  status: 'ok' | 'loading' | 'draining';
  functions: { loaded: number; failed: number; pending: number };
}

/** A warning kept on the record of the invocation that raised it (issue #15). */
export interface RecordWarning {
  /** `HSF_WARN_LATE_EVENT` (a second sendResponse, output after the answer) or `HSF_WARN_LATE_ERROR`. */
  code: WarningCode;
  message: string;
  /** When it was raised (epoch ms). */
  at: number;
}

export type FunctionKind = 'endpoint' | 'appFunction' | 'hsmeta';

/** One function of the route table (SPEC R9). */
export interface RouteInfo {
  id: string;
  kind: FunctionKind;
  name: string;
  methods: string[];
  /** The URL path, prefix included; `null` for private functions. */
  path: string | null;
  file: string;
  folder: string;
  secrets: string[];
  env: string[];
  status: 'pending' | 'loaded' | 'failed';
  error?: string;
  warnings: string[];
}

/** A configuration warning (SPEC R7). */
export interface FunctionsWarning {
  /** A stable code from the catalogue (docs/errors-and-warnings.md). */
  code: WarningCode;
  message: string;
  file?: string;
  jsonPath?: string;
  functionId?: string;
}

/** What the `contact` hook receives (SPEC R27). */
export interface ContactLookupInput {
  utk: string | undefined;
  cookies: Record<string, string>;
  headers: Headers;
  request: unknown;
}

export type ContactHook = (input: ContactLookupInput) => Contact | null | undefined | Promise<Contact | null | undefined>;

export type SecretsProvider =
  | Record<string, string | undefined>
  | ((name: string) => string | undefined | Promise<string | undefined>);

export interface CorsOptions {
  origins: string[] | ((origin: string) => boolean);
  credentials?: boolean;
  maxAge?: number;
}

/** Options of `hubspotFunctions`, `createFunctionsHost`, `createRequestListener` and `createTestApp`. */
export interface Options {
  /** URL prefix. @default `/_hcms/api` for design-manager endpoints, `/hs/serverless` for projects (SPEC R10) */
  prefix?: string | { designManager?: string; projects?: string };
  /** The account id functions see. @default `HUBSPOT_ACCOUNT_ID`, else 0 (SPEC R26) */
  accountId?: number | ((request: unknown) => number);
  /** Where secret values come from. @default the folder's `.env`, then the host environment (SPEC R32) */
  secrets?: SecretsProvider;
  /** Who the visitor is (SPEC R27). @default none: `contact` is `null` */
  contact?: ContactHook | null;
  /**
   * Where functions run (SPEC R44): `'process'`, a child process per function instance (own env,
   * time zone, memory capped by RSS, crashes contained); `'worker'`, a worker thread per instance
   * (cheaper; memory and crashes only partly contained); `'inline'`, in the host process.
   * @default 'process' (the only mode no allocation pattern can take the host past its memory); `createTestApp` defaults to 'inline'
   */
  isolation?: 'process' | 'worker' | 'inline';
  /** Per-invocation timeout of endpoint functions. @default 10000 (HubSpot's 10 s, SPEC R45) */
  timeoutMs?: number;
  /** Per-invocation timeout of private app functions. @default 2000 (seed 000) */
  appFunctionTimeoutMs?: number;
  /** Request body limit. @default 6291456 (HubSpot's 6 MB payload limit, SPEC R24) */
  maxBodyBytes?: number;
  /** Memory cap per function instance. @default 128 (HubSpot's 128 MB) */
  memoryLimitMb?: number;
  /** Receives every log record; `false` turns logging off. @default HubSpot-format lines on stderr (SPEC R62) */
  onLog?: ((record: LogRecord) => void) | false;
  /** Receives configuration warnings. @default console.warn */
  onWarning?: (warning: FunctionsWarning) => void;
  /** CORS headers. @default false (HubSpot sends none, SPEC R53) */
  cors?: false | CorsOptions;
  /** What a route served twice does. @default 'error' (SPEC R8) */
  duplicateRoutes?: 'error' | 'last-wins';
  /** Make a function that fails to load fatal. @default false (SPEC R7) */
  strict?: boolean;
  /** Put declared secrets in `context.secrets`. @default true (SPEC R29) */
  contextSecrets?: boolean;
  /** Add `context.rawBody` and `context.url`. @default false */
  rawBody?: boolean;
  /** Host environment names functions may see. @default NODE_ENV, TZ, PATH, HOME, LANG (SPEC R31) */
  envAllowList?: string[];
  /** Trust `X-Forwarded-*` from a proxy. @default false; Express's own setting wins (SPEC R25) */
  trustProxy?: boolean;
}
