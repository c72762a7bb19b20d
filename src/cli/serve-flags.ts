// `serve` flags for what the library can do (issue #15), so that the command line is not a smaller
// product than the middleware: `--app-functions-route`, `--cors <origin>` (repeatable),
// `--max-body <bytes>`, `--instance <name>`, and `--health <path>` with its answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AllOptions } from '../options';
import type { HostHealth } from '../types';
import { CliUsageError } from './usage-error';

/** parseArgs specs of the flags. */
export const SERVE_FLAGS = {
  'app-functions-route': { type: 'boolean' },
  cors: { type: 'string', multiple: true },
  'max-body': { type: 'string' },
  instance: { type: 'string' },
  health: { type: 'string' },
} as const;

/** The parsed values of SERVE_FLAGS. */
export interface ServeFlagValues {
  'app-functions-route'?: boolean;
  cors?: string[];
  'max-body'?: string;
  instance?: string;
  health?: string;
}

/**
 * The host options the flags set, and the health path (or null).
 * @throws CliUsageError for a value the flag does not take
 */
export function buildServeOptions(values: ServeFlagValues): { options: AllOptions; healthPath: string | null } {
  const options: AllOptions = {};
  if (values['app-functions-route'] === true) options.appFunctionsRoute = true;
  if (values.cors !== undefined) {
    for (const origin of values.cors) {
      // SPEC R53: origins are echoed exactly, never `*`; the browser sends scheme://host[:port].
      let parsed: URL | null = null;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = null;
      }
      if (parsed === null || parsed.origin !== origin) {
        throw new CliUsageError(`--cors takes an origin such as https://www.example.com (scheme, host, port; no path or trailing slash); got "${origin}".`);
      }
    }
    options.cors = { origins: values.cors };
  }
  if (values['max-body'] !== undefined) {
    const raw = values['max-body'];
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new CliUsageError(`--max-body takes bytes (an integer >= 0, HubSpot: 6291456); got "${raw}".`);
    options.maxBodyBytes = Number(raw);
  }
  if (values.instance !== undefined) options.instance = values.instance;
  let healthPath: string | null = null;
  if (values.health !== undefined) {
    healthPath = values.health;
    if (!healthPath.startsWith('/') || healthPath.length < 2 || /[?#\s]/.test(healthPath)) {
      throw new CliUsageError(`--health takes a URL path such as /__health; got "${values.health}".`);
    }
  }
  return { options, healthPath };
}

/**
 * Answers a health probe (issue #15): 200 `{ status: 'ok', functions }` when every module loaded
 * or failed, 503 while loading or draining. GET and HEAD only; never cached.
 */
export function answerHealth(req: IncomingMessage, res: ServerResponse, health: HostHealth): void {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 });
    res.end();
    return;
  }
  const body = Buffer.from(JSON.stringify(health));
  res.writeHead(health.status === 'ok' ? 200 : 503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : body);
}
