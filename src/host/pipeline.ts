// The one pipeline every invocation goes through, over HTTP or through `invoke`: body, params,
// admission (SPEC R55), contact (R27), context (R20), the runner, then the response and its
// record (R60). It never throws: every failure becomes a JSON error response (R48) and a record.
import type { ContextData, FunctionDefinition, MappedResponse, RunResult, Runner, SerializedError } from '../definitions';
import { redact, redactStrings } from '../env/redactions';
import { HubSpotFunctionsError, isFunctionsError, type ErrorCode } from '../errors';
import type { Limiter } from '../limits/create-limiter';
import type { ResolvedOptions } from '../options';
import { buildAppFunctionContext, buildEndpointContext } from '../request/build-context';
import { mergeFormParams, parseParams } from '../request/parse-params';
import type { Contact, LogRecord, Params } from '../types';
import { buildErrorResponse } from './error-response';
import type { RegisteredFunction } from './function-registry';
import { buildLogRecord, statusOf } from './log-record';
import { lookupContact } from './lookup-contact';

/** The request body as the pipeline needs it; `raw` is null when a host parser kept no bytes. */
export interface BodyInput {
  body: unknown;
  form: string | Params | null;
  raw: Buffer | null;
}

/** An endpoint invocation, already matched to its function. */
export interface EndpointRequest {
  requestId: string;
  /** The method as received (HEAD kept for the record; the function sees GET, SPEC R13). */
  method: string;
  fn: RegisteredFunction;
  query: string;
  headers: Record<string, string>;
  /** A contact given directly (`invoke` input): replaces the hook's answer. */
  contact?: Contact | null;
  readBody: () => Promise<BodyInput>;
  /** The framework's own request object, for the `contact` and `accountId` hooks. */
  request: unknown;
  /** The absolute original URL (for `context.url` with `rawBody`). */
  url: string;
  /** Headers added to whatever is answered (CORS). */
  extraHeaders: Array<[string, string]>;
}

export interface AppFunctionRequest {
  requestId: string;
  fn: RegisteredFunction;
  input: { parameters?: unknown; propertiesToSend?: unknown; event?: unknown };
  request: unknown;
}

export interface PipelineResult {
  response: MappedResponse;
  record: LogRecord;
  /** The app function's JSON result (SPEC R40). */
  value?: unknown;
}

export interface Pipeline {
  runEndpoint(request: EndpointRequest): Promise<PipelineResult>;
  runAppFunction(request: AppFunctionRequest): Promise<PipelineResult>;
  /** A request refused before anything ran (400, 404, 405, 413, 429, 503): record + response. */
  refuse(fields: { requestId: string; code: ErrorCode; message: string; method: string; endpoint: string; functionId?: string; headers?: Array<[string, string]>; status?: number }): PipelineResult;
}

function errorMessage(code: ErrorCode, error: SerializedError): string {
  // SPEC R48: outside production the message carries the error and its stack.
  const head = `${error.type}: ${error.message}`;
  const stack = error.stackTrace.filter((l) => l.trim() !== head.trim());
  return stack.length > 0 ? `${code}: ${head}\n${stack.join('\n')}` : `${code}: ${head}`;
}

/** Creates the pipeline over a runner, a limiter and the record sink. */
export function createPipeline(deps: {
  options: ResolvedOptions;
  runner: Runner;
  limiter: Limiter;
  emit(record: LogRecord): void;
  production: boolean;
}): Pipeline {
  const { options, runner, limiter, emit, production } = deps;

  function accountIdFor(request: unknown): number {
    if (typeof options.accountId === 'number') return options.accountId;
    try {
      const id = options.accountId(request);
      return Number.isInteger(id) && id >= 0 ? id : 0;
    } catch {
      return 0;
    }
  }

  function refuse(fields: Parameters<Pipeline['refuse']>[0]): PipelineResult {
    const response = buildErrorResponse(fields.code, fields.message, fields.requestId, {
      production,
      status: fields.status,
      headers: fields.headers,
    });
    const record = buildLogRecord({
      id: fields.requestId,
      createdAt: Date.now(),
      status: 'ERROR',
      executionTime: 0,
      memoryUsedMb: 0,
      memoryLimitMb: options.memoryLimitMb,
      log: '',
      error: { type: fields.code, message: fields.message, stackTrace: [] },
      endpoint: fields.endpoint,
      method: fields.method,
      statusCode: response.statusCode,
      functionId: fields.functionId,
    });
    emit(record);
    return { response, record };
  }

  async function execute(
    fn: RegisteredFunction,
    requestId: string,
    method: string,
    endpoint: string,
    accountId: number,
    timeoutMs: number,
    makeData: (limits: { executionsRemaining: number; timeRemaining: number }) => Promise<ContextData>,
    extraHeaders: Array<[string, string]>,
  ): Promise<PipelineResult> {
    const def = fn.definition;
    // Only a function still loading is waited for; a settled one costs no await per request.
    if (fn.status === 'pending') {
      fn.prioritize();
      await fn.prepared;
    }
    const admission = await limiter.admit(accountId, timeoutMs);
    if (!admission.admitted) {
      return refuse({
        requestId,
        code: 'HSF_RATE_LIMITED',
        message: `Account ${accountId} spent its execution budget for this window. Retry after ${admission.retryAfterSeconds} s.`,
        method,
        endpoint,
        functionId: def.id,
        headers: [['Retry-After', String(admission.retryAfterSeconds)], ...extraHeaders],
      });
    }
    const createdAt = Date.now();
    let result: RunResult;
    try {
      const data = await makeData(admission.limits);
      result = await runner.run({ requestId, functionId: def.id, data, timeoutMs });
    } catch (error) {
      admission.settle(0);
      throw error;
    }
    // The measured time replaces the reservation (SPEC R55); settle() never throws.
    admission.settle(result.executionTime);

    let response: MappedResponse;
    const outcome = result.outcome;
    let error: SerializedError | undefined;
    let value: unknown;
    if (outcome.type === 'response') {
      response = extraHeaders.length > 0 ? withHeaders(outcome.response, extraHeaders) : outcome.response;
      value = outcome.value;
    } else if (outcome.type === 'timeout') {
      const seconds = (timeoutMs / 1000).toFixed(2);
      const message = `Task timed out after ${seconds} seconds`;
      error = { type: 'HSF_TIMEOUT', message, stackTrace: [] };
      response = buildErrorResponse('HSF_TIMEOUT', message, requestId, { production, headers: extraHeaders });
    } else {
      // SPEC R33: every string the function produced, its error's type included.
      error = redactStrings(outcome.error, fn.redactions);
      // A full pool is refused before running: 503 with Retry-After (issue #3).
      const headers: Array<[string, string]> = outcome.code === 'HSF_OVERLOADED' ? [['Retry-After', '1'], ...extraHeaders] : extraHeaders;
      response = buildErrorResponse(outcome.code, redact(errorMessage(outcome.code, error), fn.redactions), requestId, { production, headers });
    }
    const record = redactStrings(buildLogRecord({
      id: requestId,
      createdAt,
      status: statusOf(result, response.statusCode),
      executionTime: result.executionTime,
      memoryUsedMb: result.memoryUsedMb,
      memoryLimitMb: options.memoryLimitMb,
      log: result.log,
      error,
      endpoint,
      method,
      statusCode: response.statusCode,
      functionId: def.id,
      accountId,
    }), fn.redactions);
    emit(record);
    return value === undefined ? { response, record } : { response, record, value };
  }

  return {
    refuse,

    async runEndpoint(req: EndpointRequest): Promise<PipelineResult> {
      const def: FunctionDefinition = req.fn.definition;
      const endpoint = def.endpoint ?? def.name;
      let body: BodyInput;
      try {
        body = await req.readBody();
      } catch (error) {
        if (isFunctionsError(error)) {
          return refuse({ requestId: req.requestId, code: error.code, message: error.message, method: req.method, endpoint, functionId: def.id, headers: req.extraHeaders, status: error.status });
        }
        throw error;
      }
      let params = parseParams(req.query);
      if (typeof body.form === 'string') params = mergeFormParams(params, body.form);
      else if (body.form !== null) {
        for (const [key, values] of Object.entries(body.form)) {
          params[key] = params[key] ? [...params[key], ...values] : [...values];
        }
      }
      if (options.rawBody && body.raw === null) {
        const e = new HubSpotFunctionsError(
          'HSF_RAW_BODY_UNAVAILABLE',
          'rawBody is on, but a body parser read the request without keeping its bytes. Mount hubspot-functions before the parser, or keep them: express.json({ verify: (req, res, buf) => { req.rawBody = buf } }).',
        );
        return refuse({ requestId: req.requestId, code: e.code, message: e.message, method: req.method, endpoint, functionId: def.id, headers: req.extraHeaders });
      }
      const accountId = accountIdFor(req.request);
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      return execute(req.fn, req.requestId, req.method, endpoint, accountId, options.timeoutMs, async (limits) => {
        // Without a hook (the default) no promise is made for it: this runs on every request.
        const contact: Contact | null =
          req.contact !== undefined ? req.contact
          : options.contact === null ? null
          : await lookupContact(options.contact, { headers: req.headers, request: req.request },
            (message) => options.onWarning({ code: 'HSF_WARN_CONTACT_HOOK', message, functionId: def.id }));
        return buildEndpointContext({
          accountId,
          body: body.body,
          contact,
          headers: req.headers,
          params,
          limits,
          method,
          endpoint,
          ...(options.contextSecrets ? { secrets: req.fn.contextSecrets } : {}),
          ...(options.rawBody ? { rawBody: body.raw ?? Buffer.alloc(0), url: req.url } : {}),
        });
      }, req.extraHeaders);
    },

    async runAppFunction(req: AppFunctionRequest): Promise<PipelineResult> {
      const def = req.fn.definition;
      const accountId = accountIdFor(req.request);
      return execute(req.fn, req.requestId, 'POST', def.name, accountId, options.appFunctionTimeoutMs, async (limits) =>
        buildAppFunctionContext({
          parameters: req.input.parameters,
          propertiesToSend: req.input.propertiesToSend,
          event: req.input.event,
          accountId,
          limits,
          ...(options.contextSecrets ? { secrets: req.fn.contextSecrets } : {}),
        }), []);
    },
  };
}

/** Adds headers (CORS) unless the function set the same name itself. */
function withHeaders(response: MappedResponse, extra: Array<[string, string]>): MappedResponse {
  const own = new Set(response.headers.map(([name]) => name.toLowerCase()));
  const added = extra.filter(([name]) => !own.has(name.toLowerCase()));
  return added.length === 0 ? response : { ...response, headers: [...response.headers, ...added] };
}
