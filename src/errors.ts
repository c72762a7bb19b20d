// The one error class and the catalogue of its codes. The Errors table of docs/errors-and-warnings.md
// is checked against ERROR_CODES, every column, by test/unit/errors.test.ts (as fastify does).

/** Every error code with its HTTP status (0: never answered over HTTP: thrown at mount or by `invoke`, or reported by `validate`). */
export const ERROR_CODES = {
  // Thrown when the host is created (SPEC R7): configuration, fixed before anything serves.
  HSF_SOURCE_NOT_FOUND: { status: 0, meaning: 'A mount path does not exist or holds no functions folder', fix: 'Pass a `.functions` folder, a folder with a `serverless.json`, or a project root that contains them' },
  HSF_CONFIG_INVALID_JSON: { status: 0, meaning: 'A `serverless.json` or `*-hsmeta.json` is not valid JSON', fix: 'Fix the JSON at the line and column named in the message' },
  HSF_CONFIG_INVALID: { status: 0, meaning: 'A configuration value has the wrong type or is missing (e.g. `file`)', fix: 'Correct the key at the JSON path named in the message' },
  HSF_CONFIG_BAD_METHOD: { status: 0, meaning: '`method` names something other than GET, POST, PUT, PATCH, DELETE', fix: 'Use one of those methods, or an array of them' },
  HSF_CONFIG_FILE_ESCAPES: { status: 0, meaning: 'A function `file` points outside its folder (`..`, absolute, or a symlink)', fix: 'Move the file into the functions folder and name it relative to it' },
  HSF_CONFIG_DUPLICATE_ROUTE: { status: 0, meaning: 'Two functions serve the same method and path', fix: 'Rename one path, or pass `duplicateRoutes: \'last-wins\'`' },
  HSF_LOAD_FAILED: { status: 0, meaning: 'Under `strict: true`, a function failed to load and `ready` rejects', fix: 'Fix the file named in the message (missing file, no `main` export, a throw at load)' },
  HSF_INVOKE_NOT_FOUND: { status: 0, meaning: '`invoke(target)` matched no function', fix: 'Use a URL path starting with `/`, an `appFunctions` name, an hsmeta uid or an endpoint key from `host.routes`' },
  // Raised inside a function, never answered by the host (issue #13).
  HSF_OUTBOUND_DENIED: { status: 0, meaning: 'Under `outbound.deny` (the default of `createTestApp`), a function called an origin that `outbound.rewrite` does not list; the function sees this error (fetch: as the cause of its TypeError)', fix: 'Point the origin at a local fake with `outbound.rewrite` (CLI: `--outbound-rewrite <from>=<to>`), or allow real calls with `outbound: { deny: false }`' },
  HSF_INVOKE_AMBIGUOUS: { status: 0, meaning: '`invoke(target)` matched more than one function', fix: 'Invoke by URL path (starting with `/`) instead of by name' },
  // Reported by `hubspot-functions validate` (status 0: never answered, never thrown by the mount).
  HSF_PACKAGE_MISSING: { status: 0, meaning: '`validate`: a function file requires a package that resolves from neither its folder, a parent nor the preloaded set (SPEC R42)', fix: 'Run `hubspot-functions install`, or declare the package in the folder\'s package.json' },
  HSF_CLOSED: { status: 503, meaning: 'The host was closed; it no longer runs functions', fix: 'Create a new host, or stop sending requests after `close()`' },
  // Answered at request time (SPEC R48), as JSON with the request id.
  HSF_NOT_FOUND: { status: 404, meaning: 'No function serves this path (bare `node:http` listener without `next`)', fix: 'Check the URL against the route table printed at start' },
  HSF_METHOD_NOT_ALLOWED: { status: 405, meaning: 'The path is served, but not for this method (SPEC R13)', fix: 'Use a method from the `Allow` header, or add it to `method` in serverless.json' },
  HSF_INVALID_JSON: { status: 400, meaning: 'The request says it is JSON but its body does not parse (SPEC R23)', fix: 'Send valid JSON, or another content type' },
  HSF_BODY_READ_FAILED: { status: 400, meaning: 'The request body could not be read (aborted, or an unsupported encoding)', fix: 'Resend the request; use identity, gzip, deflate or br encoding' },
  HSF_BODY_TOO_LARGE: { status: 413, meaning: 'The request body is over `maxBodyBytes` (6 MB, SPEC R24)', fix: 'Send less than 6 MB, or raise `maxBodyBytes`' },
  HSF_RATE_LIMITED: { status: 429, meaning: 'The account spent its execution budget for this window (SPEC R55)', fix: 'Retry after the `Retry-After` seconds, or raise `rateLimit.budgetMs`' },
  HSF_OVERLOADED: { status: 503, meaning: 'Every instance of this function is busy and its queue is full (or the dashboard has `dashboard.maxStreams` event streams open)', fix: 'Retry after `Retry-After` seconds, or raise the pool and queue sizes (`dashboard.maxStreams`)' },
  HSF_FUNCTION_LOAD_FAILED: { status: 500, meaning: 'The function could not be loaded (missing file, no `main`, a throw at load) (SPEC R7)', fix: 'Read the log record\'s error, fix the file; `ready` names it at start' },
  HSF_FUNCTION_ERROR: { status: 500, meaning: 'The function threw or its promise rejected (SPEC R46)', fix: 'Read the stack in the log record; catch the error and answer a response' },
  HSF_FUNCTION_CRASHED: { status: 500, meaning: 'The function\'s worker ended (`process.exit`, an uncaught error in a timer)', fix: 'Remove the `process.exit`; catch errors in timers and callbacks' },
  HSF_OUT_OF_MEMORY: { status: 500, meaning: 'The function went over `memoryLimitMb` and its worker was replaced', fix: 'Use less memory (stream, paginate), or raise `memoryLimitMb`' },
  HSF_RESPONSE_INVALID: { status: 500, meaning: 'The response cannot be sent: a cycle, a BigInt, a bad status or header value (SPEC R52)', fix: 'Return plain JSON data, a status between 200 and 599 and string header values' },
  HSF_RESPONSE_TOO_LARGE: { status: 500, meaning: 'The response body is over 6 MB (SPEC R52)', fix: 'Return less than 6 MB (paginate)' },
  HSF_RAW_BODY_UNAVAILABLE: { status: 500, meaning: '`rawBody: true`, but a host body parser consumed the stream without keeping its bytes', fix: 'Mount before the body parser, or keep the bytes: `express.json({ verify: (req, res, buf) => { req.rawBody = buf } })`' },
  HSF_DASHBOARD_UNAUTHORIZED: { status: 401, meaning: 'The dashboard has a `token` and the request carried none, or another (issue #10)', fix: 'Open `<dashboard path>?token=<token>` once (it sets the `hsf_dashboard` cookie), or send `Authorization: Bearer <token>`' },
  HSF_DASHBOARD_FORBIDDEN: { status: 403, meaning: 'The dashboard refused the request: its `Host` is not loopback or in `dashboard.allowedHosts`, its `Origin` is another site, or `authorize(request)` said no (or threw)', fix: 'Open it on localhost or add the name to `dashboard.allowedHosts`; sign in as your `authorize` hook expects' },
  HSF_DASHBOARD_BAD_QUERY: { status: 400, meaning: 'A dashboard API filter has a value it does not know (`status` other than success, error, timeout, 429; `since` not a number)', fix: 'Use `status=success|error|timeout|429` and `since=<epoch ms>`' },
  HSF_DASHBOARD_ASSETS_MISSING: { status: 500, meaning: 'The dashboard\'s page files are missing from the installed package', fix: 'Reinstall hubspot-functions; from a clone, run `npm run build`' },
  HSF_TIMEOUT: { status: 504, meaning: 'The function did not answer within `timeoutMs` (10 s, SPEC R45)', fix: 'Make it faster, call `sendResponse`/return a value, or raise `timeoutMs`' },
} as const satisfies Record<string, { status: number; meaning: string; fix: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The error class of hubspot-functions: a stable `code`, plus the fields http-errors made common
 * (`status`, `statusCode`, `expose`, `headers`) so a host's own error handler can read it.
 * @example
 * throw new HubSpotFunctionsError('HSF_CONFIG_BAD_METHOD', 'serverless.json: endpoints.events.method is "GOT"...');
 */
export class HubSpotFunctionsError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly statusCode: number;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HubSpotFunctionsError';
    this.code = code;
    this.status = options.status ?? (ERROR_CODES[code].status || 500);
    this.statusCode = this.status;
    this.expose = this.status < 500;
    this.headers = options.headers ?? {};
  }
}

/** Whether a value is a HubSpotFunctionsError (also across realms and worker boundaries). */
export function isFunctionsError(value: unknown): value is HubSpotFunctionsError {
  return value instanceof HubSpotFunctionsError ||
    (typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string' &&
      (value as { code: string }).code in ERROR_CODES);
}
