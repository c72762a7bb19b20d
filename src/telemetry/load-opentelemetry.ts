// `@opentelemetry/api` is an optional peer dependency (STYLE: "Instrumentation"): required once,
// lazily, when the first host is created, and only used when the application registered an SDK
// (a tracer or a meter provider) before that. Without the API nothing is loaded and nothing changes.
import type * as OpenTelemetryApi from '@opentelemetry/api';

/** The API module, as this package uses it. */
export type OpenTelemetry = typeof OpenTelemetryApi;

let api: OpenTelemetry | null | undefined;

/** The installed `@opentelemetry/api`, or null when it is not installed (asked once per process). */
export function loadOpenTelemetry(): OpenTelemetry | null {
  if (api !== undefined) return api;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    api = require('@opentelemetry/api') as OpenTelemetry;
  } catch {
    api = null;
  }
  return api;
}

/**
 * Whether the application registered a tracer provider or a meter provider with the API: without
 * one every span and instrument is a no-op, and the pipeline is better off without the wrapping.
 */
export function hasRegisteredSdk(otel: OpenTelemetry): boolean {
  const provider = otel.trace.getTracerProvider() as { getDelegate?(): unknown };
  // The API's own no-op provider is what an empty proxy delegates to.
  const noopTracers = new otel.ProxyTracerProvider().getDelegate();
  const tracing = typeof provider.getDelegate !== 'function' || provider.getDelegate() !== noopTracers;
  const metering = !(otel.metrics.getMeter('hubspot-functions') instanceof otel.createNoopMeter().constructor);
  return tracing || metering;
}
