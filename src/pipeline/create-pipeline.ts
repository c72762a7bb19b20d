// The one pipeline every request goes through, over HTTP or through invoke() (issue #12): it takes
// a route resolution and an endpoint request and answers: a preflight, a refusal (SPEC R13, R23,
// R24, R55), or the function's run: admission, contact (R27), context (R20), the runner, the
// response, and the record (R60, built only when someone keeps it). It never throws for anything a
// request or a function does, and it is synchronous until the runner (or a hook, or a store that
// is not in memory) makes it wait: no promise a synchronous path does not need.
import type { MappedResponse, RunResult, Runner } from '../definitions';
import { HubSpotFunctionsError } from '../errors';
import type { RegisteredFunction } from '../functions/function-registry';
import type { Admission, Limiter } from '../limits/create-limiter';
import type { ResolvedOptions } from '../options';
import type { EndpointRequest } from '../request/endpoint-request';
import { buildErrorResponse, type AnsweredError } from '../response/error-response';
import type { RouteResolution } from '../routing/route-resolution';
import type { LogRecord } from '../types';
import { answerOutcome } from './answer-outcome';
import { buildFunctionContext, type ContextSource } from './build-function-context';
import { buildCorsHeaders } from './cors';
import { buildLogRecord, statusOf } from './log-record';
import { readRequestInput } from './request-input';
import { redactStrings } from '../env/redactions';
import type { InvocationTelemetry } from '../telemetry/invocation-telemetry';

/** What the pipeline answers. */
export interface PipelineResult {
  response: MappedResponse;
  /** The invocation's record (SPEC R60); null when nobody keeps records and none was asked for. */
  record: LogRecord | null;
  /** The app function's JSON result (SPEC R40). */
  value?: unknown;
}

/** The pipeline of a host. */
export interface Pipeline {
  /**
   * Answers one request. `keepRecord` builds the record even when no sink listens (invoke()
   * returns it). Synchronous unless something on the way is asynchronous.
   */
  answer(route: RouteResolution, request: EndpointRequest, keepRecord?: boolean): PipelineResult | Promise<PipelineResult>;
}

/** What a pipeline works with. */
export interface PipelineDeps {
  options: ResolvedOptions;
  runner: Runner;
  limiter: Limiter;
  /** The host's functions now (a reload replaces them). */
  functions(): ReadonlyMap<string, RegisteredFunction>;
  closed(): boolean;
  /** Whether a sink or a listener wants records: when none does, none is built. */
  listening(): boolean;
  emit(record: LogRecord): void;
  production: boolean;
  /** Spans and metrics per invocation (issue #15); null or absent: none, and no wrapping at all. */
  telemetry?: InvocationTelemetry | null;
}

/** `value`'s continuation, now when it is a value, later when it is a promise. */
function then<T, U>(value: T | Promise<T>, next: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** The resolutions that run a function. */
type RunRoute = Extract<RouteResolution, { type: 'endpoint' | 'app-function' }>;

/** One function run, as the pipeline carries it from admission to the record. */
interface Run extends ContextSource {
  timeoutMs: number;
  cors: Array<[string, string]>;
  keep: boolean;
}

/** A request refused before anything ran (400, 404, 405, 413, 429, 500, 503): its answer and ERROR record. */
function refuse(deps: PipelineDeps, request: EndpointRequest, error: AnsweredError, endpoint: string, functionId: string | undefined, keep: boolean): PipelineResult {
  const response = buildErrorResponse(error, request.requestId, deps.production);
  if (!keep) return { response, record: null };
  const record = buildLogRecord({
    id: request.requestId, createdAt: Date.now(), status: 'ERROR', executionTime: 0, memoryUsedMb: 0,
    memoryLimitMb: deps.options.memoryLimitMb, log: '', error: { type: error.code, message: error.message, stackTrace: [] },
    endpoint, method: request.method, statusCode: response.statusCode, functionId, instance: deps.options.instance,
  });
  deps.emit(record);
  return { response, record };
}

function accountIdFor(options: ResolvedOptions, request: unknown): number {
  if (typeof options.accountId === 'number') return options.accountId;
  try {
    const id = options.accountId(request);
    return Number.isInteger(id) && id >= 0 ? id : 0;
  } catch {
    return 0;
  }
}

/** What runs, read from the request; or the refusal when the request cannot run. */
function prepareRun(deps: PipelineDeps, route: RunRoute, request: EndpointRequest, keep: boolean): Run | PipelineResult {
  const { options } = deps;
  const def = route.definition;
  const endpoint = def.endpoint ?? def.name;
  const cors = buildCorsHeaders(options.cors, request.headers.origin);
  const fn = deps.functions().get(def.id);
  if (fn === undefined) {
    // Removed by a reload between routing and now.
    return refuse(deps, request, { code: 'HSF_NOT_FOUND', message: `No function serves ${request.method} ${request.path} any more.`, headers: cors }, endpoint, def.id, keep);
  }
  const input = readRequestInput(request);
  if (input instanceof HubSpotFunctionsError) {
    return refuse(deps, request, { code: input.code, message: input.message, status: input.status, headers: cors }, endpoint, def.id, keep);
  }
  const appFunction = route.type === 'app-function';
  // SPEC R23: an endpoint's context.rawBody needs the bytes; app functions have no rawBody.
  if (options.rawBody && !appFunction && input.raw === null) {
    const message = 'rawBody is on, but a body parser read the request without keeping its bytes. Mount hubspot-functions before the parser, or keep them: express.json({ verify: (req, res, buf) => { req.rawBody = buf } }).';
    return refuse(deps, request, { code: 'HSF_RAW_BODY_UNAVAILABLE', message, headers: cors }, endpoint, def.id, keep);
  }
  const timeoutMs = appFunction ? options.appFunctionTimeoutMs : options.timeoutMs;
  return { fn, request, input, endpoint, appFunction, accountId: accountIdFor(options, request.request), timeoutMs, cors, keep };
}

/** SPEC R55: admission; over the budget, 429 with Retry-After and nothing runs. */
function admit(deps: PipelineDeps, run: Run): PipelineResult | Promise<PipelineResult> {
  return then(deps.limiter.admit(run.accountId, run.fn.definition.id, run.timeoutMs), (admission) => {
    if (admission.admitted) return start(deps, run, admission);
    const seconds = admission.retryAfterSeconds;
    return refuse(deps, run.request, {
      code: 'HSF_RATE_LIMITED',
      message: `Account ${run.accountId} spent its execution budget for this window. Retry after ${seconds} s.`,
      headers: [['Retry-After', String(seconds)], ...run.cors],
    }, run.endpoint, run.fn.definition.id, run.keep);
  });
}

function start(deps: PipelineDeps, run: Run, admission: Admission): Promise<PipelineResult> {
  const { fn, request } = run;
  const id = fn.definition.id;
  const createdAt = Date.now();
  let running: Promise<RunResult>;
  try {
    // runner.run() always answers a promise: Promise.resolve() adds none.
    running = Promise.resolve(then(buildFunctionContext(run, admission.limits, deps.options, id), (data) =>
      deps.runner.run({ requestId: request.requestId, functionId: id, data, timeoutMs: run.timeoutMs })));
  } catch (error) {
    admission.settle(0);
    throw error;
  }
  return running.then((result) => {
    // The measured time joins the window (SPEC R55); settle() never throws.
    admission.settle(result.executionTime);
    return finish(deps, run, result, createdAt);
  }, (error: unknown) => {
    // Not reachable today (the runner and the contact hook never reject); never left in flight.
    admission.settle(0);
    throw error;
  });
}

/** The answer of a run, and its record when someone keeps it (SPEC R60). */
function finish(deps: PipelineDeps, run: Run, result: RunResult, createdAt: number): PipelineResult {
  const { fn, request } = run;
  const answered = answerOutcome(result.outcome, {
    requestId: request.requestId, timeoutMs: run.timeoutMs, redactions: fn.redactions, production: deps.production, cors: run.cors,
  });
  let record: LogRecord | null = null;
  if (run.keep) {
    record = redactStrings(buildLogRecord({
      id: request.requestId, createdAt, status: statusOf(result, answered.response.statusCode),
      executionTime: result.executionTime, memoryUsedMb: result.memoryUsedMb, memoryLimitMb: deps.options.memoryLimitMb,
      log: result.log, error: answered.error, endpoint: run.endpoint, method: request.method,
      statusCode: answered.response.statusCode, functionId: fn.definition.id, accountId: run.accountId, instance: deps.options.instance,
      outbound: result.outbound, outboundDropped: result.outboundDropped,
    }), fn.redactions);
    deps.emit(record);
  }
  return answered.value === undefined ? { response: answered.response, record } : { response: answered.response, record, value: answered.value };
}

/** Everything but a run: not ours, closed, a preflight, a 405. */
function answerWithoutRun(deps: PipelineDeps, route: Exclude<RouteResolution, RunRoute>, request: EndpointRequest, keep: boolean): PipelineResult {
  const { options } = deps;
  if (route.type === 'not-ours') {
    return refuse(deps, request, { code: 'HSF_NOT_FOUND', message: `No function serves ${request.method} ${request.path}.` }, request.path, undefined, keep);
  }
  if (route.type === 'preflight') {
    // SPEC R13: 204 with Allow (and CORS when on), nothing runs, no record.
    const cors = buildCorsHeaders(options.cors, request.headers.origin, { allow: route.allow, requestHeaders: request.headers['access-control-request-headers'] });
    return { response: { statusCode: 204, headers: [['Allow', route.allow], ...cors], body: Buffer.alloc(0) }, record: null };
  }
  const def = route.definition;
  const cors = buildCorsHeaders(options.cors, request.headers.origin);
  const message = `${request.method} is not allowed on ${request.path}; allowed: ${route.allow}.`;
  return refuse(deps, request, { code: 'HSF_METHOD_NOT_ALLOWED', message, headers: [['Allow', route.allow], ...cors] }, def.endpoint ?? def.name, def.id, keep);
}

/**
 * Creates the pipeline over a runner, a limiter and the record sink.
 * @example
 * const result = await pipeline.answer(router.resolve('GET', '/_hcms/api/hello'), request);
 */
export function createPipeline(deps: PipelineDeps): Pipeline {
  // Decided once: without telemetry, admission is called as it is (issue #15: no work per request).
  const telemetry = deps.telemetry ?? null;
  const enter: typeof admit = telemetry === null ? admit : (d, run) => telemetry.trace(run, () => admit(d, run));
  return {
    answer(route, request, keepRecord = false) {
      const keep = keepRecord || deps.listening();
      if (deps.closed() && route.type !== 'not-ours') {
        return refuse(deps, request, { code: 'HSF_CLOSED', message: 'hubspot-functions was closed and no longer runs functions.' }, request.path, undefined, keep);
      }
      if (route.type !== 'endpoint' && route.type !== 'app-function') return answerWithoutRun(deps, route, request, keep);
      const run = prepareRun(deps, route, request, keep);
      if (!('fn' in run)) return run;
      // Only a function still loading is waited for; a settled one costs no await (issue #7).
      if (run.fn.status !== 'pending') return enter(deps, run);
      run.fn.prioritize();
      return run.fn.prepared.then(() => enter(deps, run));
    },
  };
}
