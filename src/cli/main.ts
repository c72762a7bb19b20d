// The `hubspot-functions` command line (issues #6, #11): one module per command, flags parsed
// with node:util parseArgs. Exit codes: 0 success, 1 a failure the command reports (invalid
// configuration for validate, a 5xx for invoke, a failed folder for install), 2 a usage error.
import { createProcessIo, writeLine, type CliIo } from './cli-io';
import { runDoctor } from './command-doctor';
import { runInstall } from './command-install';
import { runInvoke } from './command-invoke';
import { runLogs } from './command-logs';
import { runSecrets } from './command-secrets';
import { runServe } from './command-serve';
import { runValidate } from './command-validate';
import { CliUsageError } from './usage-error';

/** The usage text. */
export const USAGE = `Usage: hubspot-functions <command> [options]

Commands:
  serve [paths...]            Serve functions on node:http (default paths: .)
      --port, -p <n>          Port (default: $PORT, else 3000; 0 picks a free port)
      --host <addr>           Address to listen on (default: 127.0.0.1)
      --watch, -w             Reload a function when its file or serverless.json changes
      --dashboard             Serve the logs dashboard at /__dashboard
      --dashboard-token <t>   Require this token to open it (Bearer, or visit ?token=<t>);
                              needed under NODE_ENV=production ($HUBSPOT_FUNCTIONS_DASHBOARD_TOKEN)
      --json                  Print log records as JSON lines on stdout
      --quiet, -q             Print no line per invocation (onLog: false)
      --health <path>         Answer health probes there: 200 when ready, 503 loading or draining
      --instance <name>       This server's name on its records (default: hostname:pid)
      --app-functions-route   Serve private app functions at POST <prefix>/app-functions/<name>
      --cors <origin>         Allow this origin (repeatable; CORS is off by default)
      --max-body <bytes>      Request body limit (default: 6291456, HubSpot's 6 MB)
  logs                        Print records in HubSpot's format, newest last
      --url <server>          A running server's dashboard (default: http://127.0.0.1:$PORT, else :3000)
      --redis <url>           Or the Redis stream that serve --redis shares ($HUBSPOT_FUNCTIONS_REDIS_URL)
      --follow, -f            Keep printing new records until Ctrl-C
      --endpoint <path>       Only this endpoint (hello, /events/update)
      --status <s>            Only success, error, timeout or 429
      --request-id <id>       Only request ids containing this
      --since <duration>      Only the last 30s, 5m, 2h, 1d (or since an ISO time)
      --instance <name>       Only this instance's records
      --json                  One JSON record a line
      --dashboard-token <t>   The dashboard's token ($HUBSPOT_FUNCTIONS_DASHBOARD_TOKEN)
  validate [paths...]         Every configuration, file and package problem, without serving (--json)
  doctor [paths...]           Migration advice for folders that ran on HubSpot (--json)
  install [paths...]          Each folder's package.json dependencies and HubSpot's preloaded packages
      --concurrency <n>       Folders installed at once (default: 4)
      --force                 Run npm even where everything looks installed
  secrets list [paths...]     Every declared secret, its functions and where its value comes from (--json)
  secrets add <NAME> [paths...]     Write a value (hidden prompt, or stdin) to the folders' .env
  secrets delete <NAME> [paths...]  Remove it from the folders' .env
  invoke <target> [paths...]  Run one function without a server; target: a URL path or a name
      --method, -X <m>        HTTP method (default: the function's first)
      --query <q>             Query string, e.g. 'a=1&a=2'
      --data, -d <json|@file|->  JSON body (or raw bytes with a non-JSON content-type header)
      --header, -H 'K: V'     Request header (repeatable)
      --json                  Print the response and its record as one JSON object

Options of install, validate, doctor, serve and invoke (HubSpot's preloaded packages):
  --preloaded-dir <dir>       Where they are installed (default: $HUBSPOT_FUNCTIONS_PRELOADED_DIR,
                              else node_modules/.cache/hubspot-functions/preloaded)
  --preloaded <pkg>@<range>   Another version of one (repeatable); <pkg>@off drops it, off drops all

Options of serve and invoke:
  --prefix <path>             URL prefix instead of /_hcms/api and /hs/serverless
  --isolation <mode>          Where functions run: process (default), worker or inline
  --env-file <file>           Load variables (secrets, HUBSPOT_ACCOUNT_ID) from a dotenv file
  --account-id <n>            context.accountId (default: $HUBSPOT_ACCOUNT_ID, else 0)
  --timeout <ms>              Per-invocation timeout (default: 10000, HubSpot's 10 s)
  --rate-limit <s>|off        Execution seconds per minute per account (default: 600)
  --redis <url>               Keep the budget in Redis, shared by several servers; serve also
                              shares every instance's records there (default: $HUBSPOT_FUNCTIONS_REDIS_URL)
  --outbound-rewrite <from>=<to>  Send functions' calls to one origin to another instead
                              (repeatable), e.g. https://api.hubapi.com=http://127.0.0.1:4010
  --outbound-deny             Refuse calls to origins not rewritten (loopback still allowed)
  HSF_LOG_OUTBOUND=1          (environment) One line per outbound call under each record
`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => number | Promise<number>> = {
  serve: runServe,
  validate: runValidate,
  doctor: runDoctor,
  install: runInstall,
  invoke: runInvoke,
  logs: runLogs,
  secrets: runSecrets,
};

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves with the exit code.
 * @example
 * process.exitCode = await runCli(['validate', 'src/app']);
 */
export async function runCli(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    writeLine(command === undefined ? io.stderr : io.stdout, USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    writeLine(io.stderr, `Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(io.stdout, USAGE);
    return 0;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    // parseArgs throws TypeErrors with a code (ERR_PARSE_ARGS_*) for unknown or malformed flags.
    const parseError = typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS');
    if (error instanceof CliUsageError || parseError) {
      writeLine(io.stderr, `error: ${(error as Error).message}\nRun \`hubspot-functions ${command} --help\` for usage.`);
      return 2;
    }
    throw error;
  }
}

/** The process entry: sets TZ=UTC, runs the CLI with process.argv and sets the exit code. */
export function main(): void {
  // SPEC R30: functions run with TZ=UTC as on Lambda. Node re-reads the zone when TZ is
  // assigned (process-wide, worker threads included), so no re-exec is needed.
  process.env.TZ = 'UTC';
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`hubspot-functions: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) main();
