// OpenTelemetry for invocations (issue #15): each admitted (or budget-refused) call of a function
// is a span `hubspot-functions <METHOD> /<endpoint>`, a child of the span active when the request
// reached the pipeline (the HTTP server span of the application's instrumentation) and active
// while the function runs in process; plus an invocation counter and an execution-time histogram
// by endpoint and status, and a counter of 429s. Built once at mount; without the API or an SDK,
// createInvocationTelemetry answers null and the pipeline runs unwrapped.
import type { LogRecord } from '../types';
import { hasRegisteredSdk, loadOpenTelemetry, type OpenTelemetry } from './load-opentelemetry';

/** The instrumentation scope's name (the package's). */
export const INSTRUMENTATION_NAME = 'hubspot-functions';

/** Span and metric attribute names. */
export const ATTRIBUTES = {
  functionId: 'hubspot_functions.function.id',
  requestId: 'hubspot_functions.request.id',
  endpoint: 'hubspot_functions.endpoint',
  instance: 'hubspot_functions.instance',
  accountId: 'hubspot_functions.account.id',
  status: 'hubspot_functions.status',
  executionTime: 'hubspot_functions.execution_time_ms',
  memoryUsed: 'hubspot_functions.memory.used_mb',
  memoryLimit: 'hubspot_functions.memory.limit_mb',
  outboundCount: 'hubspot_functions.outbound.count',
  method: 'http.request.method',
  httpStatus: 'http.response.status_code',
  errorType: 'error.type',
} as const;

/** Metric names. */
export const METRICS = {
  invocations: 'hubspot_functions.invocations',
  executionTime: 'hubspot_functions.execution_time',
  rateLimited: 'hubspot_functions.rate_limited',
} as const;

/** What a span needs to know of a run before it starts. */
export interface TracedRun {
  request: { method: string; requestId: string };
  endpoint: string;
  fn: { definition: { id: string } };
}

/** Wraps invocations in spans and counts them. */
export interface InvocationTelemetry {
  /**
   * Runs `answer` inside the invocation's span and ends the span with its record when it settles;
   * a synchronous answer stays synchronous.
   */
  trace<T extends { record: LogRecord | null }>(run: TracedRun, answer: () => T | Promise<T>): T | Promise<T>;
}

function endpointPath(endpoint: string): string {
  return endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
}

/** `"12/128 MB"` → [12, 128]. */
function memoryOf(memory: string): [number, number] {
  const slash = memory.indexOf('/');
  return [Number.parseInt(memory.slice(0, slash), 10) || 0, Number.parseInt(memory.slice(slash + 1), 10) || 0];
}

/**
 * The telemetry of a host, or null when `telemetry` is off, `@opentelemetry/api` is not installed,
 * or no SDK was registered before the host was created.
 */
export function createInvocationTelemetry(enabled: boolean, version?: string): InvocationTelemetry | null {
  if (!enabled) return null;
  const otel = loadOpenTelemetry();
  if (otel === null || !hasRegisteredSdk(otel)) return null;
  return buildTelemetry(otel, version);
}

function buildTelemetry(otel: OpenTelemetry, version: string | undefined): InvocationTelemetry {
  const tracer = otel.trace.getTracer(INSTRUMENTATION_NAME, version);
  const meter = otel.metrics.getMeter(INSTRUMENTATION_NAME, version);
  const invocations = meter.createCounter(METRICS.invocations, { description: 'Function invocations (admitted or refused by the execution budget), by endpoint and status' });
  const executionTime = meter.createHistogram(METRICS.executionTime, { description: 'Execution time of function invocations, by endpoint and status', unit: 'ms' });
  const rateLimited = meter.createCounter(METRICS.rateLimited, { description: 'Invocations answered 429, by endpoint' });
  type Span = ReturnType<typeof tracer.startSpan>;

  function end(span: Span, run: TracedRun, record: LogRecord | null): void {
    try {
      if (record !== null) describeOutcome(span, run, record);
    } catch {
      // The application's SDK failing must not fail the request it traces.
    }
    span.end();
  }

  function describeOutcome(span: Span, run: TracedRun, record: LogRecord): void {
    const [used, limit] = memoryOf(record.memory);
    span.setAttributes({
      [ATTRIBUTES.status]: record.status,
      [ATTRIBUTES.httpStatus]: record.statusCode,
      [ATTRIBUTES.executionTime]: record.executionTime,
      [ATTRIBUTES.memoryUsed]: used,
      [ATTRIBUTES.memoryLimit]: limit,
      [ATTRIBUTES.instance]: record.instance,
      // Outbound call records come with another issue; until then there are none.
      [ATTRIBUTES.outboundCount]: (record as { outbound?: unknown[] }).outbound?.length ?? 0,
    });
    if (record.accountId !== undefined) span.setAttribute(ATTRIBUTES.accountId, record.accountId);
    if (record.status !== 'SUCCESS') {
      span.setAttribute(ATTRIBUTES.errorType, record.error?.type ?? record.status);
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: record.error ? `${record.error.type}: ${record.error.message}` : `${record.status} (HTTP ${record.statusCode})` });
    }
    const labels = { [ATTRIBUTES.endpoint]: run.endpoint, [ATTRIBUTES.status]: record.status };
    invocations.add(1, labels);
    executionTime.record(record.executionTime, labels);
    if (record.statusCode === 429) rateLimited.add(1, { [ATTRIBUTES.endpoint]: run.endpoint });
  }

  function fail(span: Span, error: unknown): void {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }

  return {
    trace(run, answer) {
      const parent = otel.context.active();
      const span = tracer.startSpan(`hubspot-functions ${run.request.method} ${endpointPath(run.endpoint)}`, {
        kind: otel.SpanKind.INTERNAL,
        attributes: {
          [ATTRIBUTES.functionId]: run.fn.definition.id,
          [ATTRIBUTES.requestId]: run.request.requestId,
          [ATTRIBUTES.endpoint]: run.endpoint,
          [ATTRIBUTES.method]: run.request.method,
        },
      }, parent);
      let answered;
      try {
        answered = otel.context.with(otel.trace.setSpan(parent, span), answer);
      } catch (error) {
        fail(span, error);
        throw error;
      }
      if (!(answered instanceof Promise)) {
        end(span, run, answered.record);
        return answered;
      }
      return answered.then((result) => {
        end(span, run, result.record);
        return result;
      }, (error: unknown) => {
        fail(span, error);
        throw error;
      });
    },
  };
}
