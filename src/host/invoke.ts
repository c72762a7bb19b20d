// invoke(): the HTTP pipeline without a server (issue #2), for tests, the CLI and private app
// functions (SPEC R40). `target` is a URL path (starting with '/'), else a name.
import { randomUUID } from 'node:crypto';
import type { FunctionDefinition } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import { classifyContentType } from '../request/content-type';
import { buildHeaders } from '../request/headers';
import { parseBody } from '../request/parse-body';
import { canonicalPath } from '../routing/canonical-path';
import type { createRouteTable } from '../routing/route-table';
import type { Contact, LogRecord } from '../types';
import type { FunctionRegistry } from './function-registry';
import type { Pipeline, PipelineResult } from './pipeline';

/** Input of an endpoint (`method`, `query`, `body`, `headers`, `contact`) or a private app function. */
export interface InvokeInput {
  /** @default the first configured method */
  method?: string;
  query?: string | Record<string, string | string[]>;
  /** A Buffer is sent as bytes; any other value as JSON. */
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** The contact to put in the context, instead of calling the `contact` hook. */
  contact?: Contact | null;
  /** Private app functions (SPEC R3): HubSpot's app-function context fields. */
  parameters?: Record<string, unknown>;
  propertiesToSend?: Record<string, unknown>;
  event?: Record<string, unknown> | null;
}

export interface InvokeResult {
  statusCode: number;
  /** Lower-cased names; a repeated header (Set-Cookie) is an array. */
  headers: Record<string, string | string[]>;
  /** Parsed for JSON content types, a string for text/*, else a Buffer. */
  body: unknown;
  /** The captured console lines. */
  logs: string[];
  record: LogRecord;
}

function queryString(query: InvokeInput['query']): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query.startsWith('?') ? query.slice(1) : query;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  return search.toString();
}

function toResult(result: PipelineResult): InvokeResult {
  const headers: Record<string, string | string[]> = {};
  for (const [rawName, value] of result.response.headers) {
    const name = rawName.toLowerCase();
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  headers['content-length'] = String(result.response.body.length);
  // SPEC R63: always the record's id, replacing any the function set, as over HTTP.
  headers['x-request-id'] = result.record.id;
  const contentType = String(headers['content-type'] ?? '');
  const raw = result.response.body;
  let body: unknown = raw;
  const kind = classifyContentType(contentType || undefined);
  if (kind === 'json' && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = raw.toString('utf8');
    }
  } else if (/^text\//i.test(contentType)) {
    body = raw.toString('utf8');
  }
  const logs = result.record.log === '' ? [] : result.record.log.split('\n').filter((l) => l !== '');
  return { statusCode: result.response.statusCode, headers, body, logs, record: result.record };
}

/** Creates the invoke() of a host. */
export function createInvoker(deps: {
  definitions: readonly FunctionDefinition[];
  table: ReturnType<typeof createRouteTable>;
  registry: FunctionRegistry;
  pipeline: Pipeline;
  closed: () => boolean;
}) {
  function resolveByName(target: string): FunctionDefinition {
    // appFunctions names and hsmeta uids first, then endpoint keys (issue #2).
    let found = deps.definitions.filter((d) => (d.kind === 'appFunction' || d.kind === 'hsmeta') && d.name === target);
    if (found.length === 0) found = deps.definitions.filter((d) => d.kind === 'endpoint' && d.name === target);
    if (found.length === 0) {
      const names = deps.definitions.map((d) => d.name).join(', ');
      throw new HubSpotFunctionsError('HSF_INVOKE_NOT_FOUND', `invoke("${target}"): no function has that name. Known names: ${names || '(none)'}. A URL path must start with "/".`);
    }
    if (found.length > 1) {
      throw new HubSpotFunctionsError('HSF_INVOKE_AMBIGUOUS', `invoke("${target}"): ${found.length} functions have that name (${found.map((d) => d.id).join(', ')}). Invoke by URL path instead.`);
    }
    return found[0]!;
  }

  async function invoke(target: string, input: InvokeInput = {}): Promise<InvokeResult> {
    if (typeof target !== 'string' || target === '') {
      throw new TypeError('invoke(target): target must be a URL path ("/_hcms/api/x") or a function name');
    }
    const requestId = randomUUID();
    let definition: FunctionDefinition | undefined;
    let path: string;
    let query = queryString(input.query);
    if (target.startsWith('/')) {
      const q = target.indexOf('?');
      // SPEC R11: a path as typed (`/_hcms/api/a b`) or already encoded; never decoded.
      path = canonicalPath(q === -1 ? target : target.slice(0, q));
      if (q !== -1) query = query ? `${target.slice(q + 1)}&${query}` : target.slice(q + 1);
      const match = deps.table.matchPath(path);
      if (match === undefined) {
        throw new HubSpotFunctionsError('HSF_INVOKE_NOT_FOUND', `invoke("${target}"): no function serves that path. Paths: ${deps.definitions.map((d) => d.path).filter(Boolean).join(', ')}`);
      }
      const first = match.definitions.values().next().value as FunctionDefinition;
      const method = (input.method ?? first.methods[0] ?? 'GET').toUpperCase();
      definition = match.definitions.get(method === 'HEAD' ? 'GET' : method);
      if (definition === undefined) {
        return toResult(deps.pipeline.refuse({
          requestId,
          code: 'HSF_METHOD_NOT_ALLOWED',
          message: `${method} is not allowed on ${path}; allowed: ${match.allow}.`,
          method,
          endpoint: first.endpoint ?? path,
          functionId: first.id,
          headers: [['Allow', match.allow]],
        }));
      }
    } else {
      definition = resolveByName(target);
      path = definition.path ?? '';
    }
    const fn = deps.registry.functions.get(definition.id)!;
    if (deps.closed()) {
      return toResult(deps.pipeline.refuse({ requestId, code: 'HSF_CLOSED', message: 'hubspot-functions was closed and no longer runs functions.', method: 'POST', endpoint: definition.name }));
    }
    if (definition.path === null) {
      return toResult(await deps.pipeline.runAppFunction({
        requestId,
        fn,
        input: { parameters: input.parameters, propertiesToSend: input.propertiesToSend, event: input.event },
        request: undefined,
      }));
    }

    const method = (input.method ?? definition.methods[0] ?? 'GET').toUpperCase();
    const rawHeaders: string[] = [];
    const given = new Set<string>();
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      given.add(name.toLowerCase());
      for (const v of Array.isArray(value) ? value : [value]) rawHeaders.push(name, String(v));
    }
    let raw: Buffer = Buffer.alloc(0);
    if (input.body !== undefined) {
      raw = Buffer.isBuffer(input.body) ? input.body : Buffer.from(JSON.stringify(input.body));
      if (!given.has('content-type')) rawHeaders.push('content-type', Buffer.isBuffer(input.body) ? 'application/octet-stream' : 'application/json');
      rawHeaders.push('content-length', String(raw.length));
    }
    if (!given.has('host')) rawHeaders.push('host', 'localhost');
    const headers = buildHeaders({ rawHeaders }, { remoteAddress: '127.0.0.1' });
    const result = await deps.pipeline.runEndpoint({
      requestId,
      method,
      fn,
      query,
      headers,
      ...(input.contact !== undefined ? { contact: input.contact } : {}),
      readBody: async () => ({ ...parseBody(classifyContentType(headers['content-type']), raw), raw }),
      request: undefined,
      url: `http://${headers.host ?? 'localhost'}${path}${query ? `?${query}` : ''}`,
      extraHeaders: [],
    });
    return toResult(result);
  }

  return { invoke };
}
