// The catalogue of warning codes (issue #16), as errors.ts is for errors: every warning the
// library or the CLI reports through `onWarning` has a stable code here, with what it means and
// what to do. docs/errors-and-warnings.md shows this table; test/unit/errors.test.ts keeps the
// two in sync in every column.

/** Every warning code, with its meaning and its fix. */
export const WARNING_CODES = {
  // Configuration (SPEC R7, R8), reported when the host is created.
  HSF_WARN_NO_CONFIG: { meaning: 'A `.functions` folder found by the search has no serverless.json; it is skipped', fix: 'Add a `serverless.json`, or mount a path that does not contain the folder' },
  HSF_WARN_NO_FUNCTIONS: { meaning: 'A serverless.json declares no `endpoints` and no `appFunctions`', fix: 'Declare the functions, or remove the file' },
  HSF_WARN_UNKNOWN_KEY: { meaning: 'A key HubSpot does not define; it is ignored', fix: 'Check its spelling against HubSpot\'s serverless.json reference, or remove it' },
  HSF_WARN_ENV_COERCED: { meaning: 'A non-string `environment` value was turned into a string', fix: 'Quote the value in serverless.json' },
  HSF_WARN_RESERVED_ENV: { meaning: 'An environment or secret name that AWS Lambda reserves (`AWS_*`, `_HANDLER`, `LAMBDA_*`, `TZ`)', fix: 'Rename it: HubSpot\'s Lambda would not let the function set it' },
  HSF_WARN_SECRET_SHADOWS_ENV: { meaning: 'A secret has the same name as an environment variable; the secret wins', fix: 'Rename one of them' },
  HSF_WARN_SECRET_LIMIT: { meaning: 'More than 50 distinct secrets, HubSpot\'s account limit', fix: 'Nothing here; HubSpot would refuse the deploy' },
  HSF_WARN_ENDPOINT_LIMIT: { meaning: 'More than 100 endpoints, HubSpot\'s account limit', fix: 'Nothing here; HubSpot would refuse the deploy' },
  HSF_WARN_DUPLICATE_ROUTE: { meaning: 'With `duplicateRoutes: \'last-wins\'`, a later function took over a method and path', fix: 'Rename one path if both should serve' },
  HSF_WARN_HOST_NOT_UTC: { meaning: 'The host is not on UTC, and worker or inline functions share its time zone (SPEC R30)', fix: 'Start the host with `TZ=UTC`, or use `isolation: \'process\'`' },
  // Loading, reported when `ready` settles (SPEC R7).
  HSF_WARN_LOAD_FAILED: { meaning: 'A function failed to load; its route answers 500 until fixed', fix: 'Fix the file named in the message (missing file, no `main`, a throw at load)' },
  HSF_WARN_PACKAGE_MISSING: { meaning: 'A function file requires a package that resolves nowhere (SPEC R42)', fix: 'Run `hubspot-functions install`, or declare the package in the folder\'s package.json' },
  HSF_WARN_NO_MAIN: { meaning: '`validate`: the source shows no `main` export (it may be made at run time)', fix: 'Add `exports.main = async (context) => { … }`, or check the function with `invoke`' },
  // Secrets (SPEC R32).
  HSF_WARN_SECRET_MISSING: { meaning: 'A declared secret has no value; the functions that declare it are named', fix: 'Run `hubspot-functions secrets add NAME`, set it in the environment, or pass it in `secrets`' },
  HSF_WARN_SECRETS_REFRESH_FAILED: { meaning: 'Re-reading secrets failed; the previous values stay in use', fix: 'Check the `secrets` provider or the folder\'s `.env`' },
  // At request time.
  HSF_WARN_CONTACT_HOOK: { meaning: 'The `contact` hook failed or took over 2 s; the function ran with `contact` null (SPEC R27)', fix: 'Make the hook answer within 2 s and catch its errors' },
  HSF_WARN_LATE_EVENT: { meaning: 'Something happened after a call answered: a second `sendResponse` (SPEC R47), console output', fix: 'Answer once; do the work before answering' },
  HSF_WARN_LATE_ERROR: { meaning: 'A function threw or rejected after it answered, or outside any call', fix: 'Catch errors in timers and callbacks; await the work before answering' },
  HSF_WARN_RATE_LIMIT_STORE_DOWN: { meaning: 'The execution budget\'s store failed or was slow; requests are served uncounted (or refused with `failOpen: false`)', fix: 'Check the Redis server; one warning per outage' },
  HSF_WARN_RATE_LIMIT_STORE_RECOVERED: { meaning: 'The execution budget\'s store answers again', fix: 'Nothing: accounting resumed' },
  HSF_WARN_LOG_STORE_DOWN: { meaning: 'The shared log store (`logStore`, `serve --redis`) failed; records still reach this instance\'s log and dashboard, and up to 1,000 wait to be shared (issue #15)', fix: 'Check the Redis server; one warning per outage' },
  HSF_WARN_LOG_STORE_RECOVERED: { meaning: 'The shared log store answers again; the message says how many records were not shared meanwhile', fix: 'Nothing: records are shared again' },
  // Watch mode (issue #6).
  HSF_WATCH_RELOADED: { meaning: 'A change was reloaded (what was added, changed, removed)', fix: 'Nothing: informational' },
  HSF_WARN_RELOAD_FAILED: { meaning: 'A change left the configuration invalid; the previous version keeps serving', fix: 'Fix the error named in the message and save again' },
  HSF_WARN_WATCH_FAILED: { meaning: 'A folder cannot be watched; changes there need a restart', fix: 'Check the folder\'s permissions and the system\'s watch limits' },
} as const;

/** One of the stable warning codes. */
export type WarningCode = keyof typeof WARNING_CODES;
