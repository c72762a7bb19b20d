// invoke(): the HTTP pipeline without a server (issue #2), for tests, the CLI and private app
// functions (SPEC R40). `target` is a URL path (starting with '/'), else a name. The input becomes
// the same endpoint request an HTTP client would make (request/endpoint-request.ts), routed by the
// same router and answered by the same pipeline (issue #12).
import { randomUUID } from 'node:crypto';
import type { FunctionDefinition } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import type { Pipeline, PipelineResult } from '../pipeline/create-pipeline';
import { classifyContentType } from '../request/content-type';
import { fromInvoke } from '../request/endpoint-request';
import { canonicalPath } from '../routing/canonical-path';
import type { Router } from '../routing/create-router';
import type { RouteResolution } from '../routing/route-resolution';
import type { Contact, LogRecord } from '../types';

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

function toResult(result: PipelineResult, requestId: string): InvokeResult {
  const headers: Record<string, string | string[]> = {};
  for (const [rawName, value] of result.response.headers) {
    const name = rawName.toLowerCase();
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  headers['content-length'] = String(result.response.body.length);
  // SPEC R63: always the record's id, replacing any the function set, as over HTTP.
  headers['x-request-id'] = requestId;
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
  // invoke() always asks the pipeline for the record.
  const record = result.record!;
  const logs = record.log === '' ? [] : record.log.split('\n').filter((l) => l !== '');
  return { statusCode: result.response.statusCode, headers, body, logs, record };
}

/** Creates the invoke() of a host over its current configuration. */
export function createInvoker(deps: {
  definitions(): readonly FunctionDefinition[];
  router(): Router;
  pipeline: Pipeline;
}) {
  function resolveByName(target: string): FunctionDefinition {
    const definitions = deps.definitions();
    // appFunctions names and hsmeta uids first, then endpoint keys (issue #2).
    let found = definitions.filter((d) => (d.kind === 'appFunction' || d.kind === 'hsmeta') && d.name === target);
    if (found.length === 0) found = definitions.filter((d) => d.kind === 'endpoint' && d.name === target);
    if (found.length === 0) {
      const names = definitions.map((d) => d.name).join(', ');
      throw new HubSpotFunctionsError('HSF_INVOKE_NOT_FOUND', `invoke("${target}"): no function has that name. Known names: ${names || '(none)'}. A URL path must start with "/".`);
    }
    if (found.length > 1) {
      throw new HubSpotFunctionsError('HSF_INVOKE_AMBIGUOUS', `invoke("${target}"): ${found.length} functions have that name (${found.map((d) => d.id).join(', ')}). Invoke by URL path instead.`);
    }
    return found[0];
  }

  /** A URL path (with its query) or a name, resolved as a request to it would be. */
  function resolveTarget(target: string, input: InvokeInput): { route: RouteResolution; path: string; query: string; method: string } {
    let query = queryString(input.query);
    if (!target.startsWith('/')) {
      const definition = resolveByName(target);
      if (definition.path === null) return { route: { type: 'app-function', definition }, path: definition.name, query, method: 'POST' };
      const method = (input.method ?? definition.methods[0] ?? 'GET').toUpperCase();
      return { route: deps.router().resolve(method, definition.path), path: definition.path, query, method };
    }
    const q = target.indexOf('?');
    // SPEC R11: a path as typed (`/_hcms/api/a b`) or already encoded; never decoded.
    const path = canonicalPath(q === -1 ? target : target.slice(0, q));
    if (q !== -1) query = query ? `${target.slice(q + 1)}&${query}` : target.slice(q + 1);
    const routes = deps.router().table.matchPath(path);
    if (routes === undefined) {
      const paths = deps.definitions().map((d) => d.path).filter(Boolean).join(', ');
      throw new HubSpotFunctionsError('HSF_INVOKE_NOT_FOUND', `invoke("${target}"): no function serves that path. Paths: ${paths}`);
    }
    const method = (input.method ?? routes.definitions.keys().next().value ?? 'GET').toUpperCase();
    return { route: routes.resolve(method), path, query, method };
  }

  async function invoke(target: string, input: InvokeInput = {}): Promise<InvokeResult> {
    if (typeof target !== 'string' || target === '') {
      throw new TypeError('invoke(target): target must be a URL path ("/_hcms/api/x") or a function name');
    }
    const { route, path, query, method } = resolveTarget(target, input);
    const requestId = randomUUID();
    const request = route.type === 'app-function'
      // SPEC R40: HubSpot's app-function fields, as the JSON body a UI extension would send.
      ? fromInvoke(path, query, { method, body: { parameters: input.parameters, propertiesToSend: input.propertiesToSend, event: input.event }, parsed: true }, requestId)
      : fromInvoke(path, query, { method, headers: input.headers, body: input.body, contact: input.contact }, requestId);
    return toResult(await deps.pipeline.answer(route, request, true), requestId);
  }

  return { invoke };
}
