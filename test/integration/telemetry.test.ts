// OpenTelemetry (issue #15) with the real SDK in a host app: Express 5 with our adapter, the
// HTTP server span from @opentelemetry/instrumentation-http (registered before http is loaded,
// test/helpers/otel-http.ts), spans kept by an in-memory exporter and metrics read by a reader.
import '../helpers/otel-http';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { context, metrics, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import express from 'express5';
import request from 'supertest';
import { hubspotFunctions } from '../../adapters/express';
import { createInvocationTelemetry } from '../../src/telemetry/invocation-telemetry';
import { fixture, quiet } from '../helpers/frameworks';

const ROOT = join(__dirname, '..', '..');

/** Reads the metrics on demand. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The data points of one metric, as [attributes, value] pairs. */
async function points(reader: TestReader, name: string): Promise<Array<{ attributes: Record<string, unknown>; value: unknown }>> {
  const { resourceMetrics } = (await reader.collect()) as { resourceMetrics: ResourceMetrics };
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes as Record<string, unknown>, value: p.value }));
}

describe('OpenTelemetry', () => {
  test('issue #15: without a registered SDK there is no telemetry (no wrapping of the pipeline)', () => {
    assert.equal(createInvocationTelemetry(true), null);
  });

  test('issue #15: without @opentelemetry/api installed, a host serves as before and loads nothing of it', () => {
    // A child process in which the API cannot be resolved, as in an app that did not install it.
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request.startsWith('@opentelemetry/')) throw Object.assign(new Error('Cannot find module ' + request), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
      const { createFunctionsHost } = require('./src/index');
      const host = createFunctionsHost(${JSON.stringify(fixture('basic.functions'))}, { isolation: 'inline', onLog: false });
      host.invoke('/_hcms/api/hello').then(async (result) => {
        const loaded = Object.keys(require.cache).filter((k) => k.includes('@opentelemetry'));
        console.log(JSON.stringify({ status: result.statusCode, loaded }));
        await host.close();
      });`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').pop()!), { status: 200, loaded: [] });
  });

  describe('with the SDK registered before the host is created', () => {
    const exporter = new InMemorySpanExporter();
    const reader = new TestReader();
    let app: ReturnType<typeof express>;
    let close: () => Promise<void>;

    before(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
      const functions = hubspotFunctions(fixture('basic.functions'), quiet({ instance: 'otel-1', rateLimit: { maxExecutions: 4 } }).options);
      close = () => functions.close();
      app = express();
      app.use(functions);
    });
    after(async () => {
      await close();
      trace.disable();
      metrics.disable();
      context.disable();
    });

    /** The finished spans of one request: its HTTP server span and ours. */
    function spansOf(requestId: string): { http: ReadableSpan; ours: ReadableSpan[] } {
      const spans = exporter.getFinishedSpans();
      const ours = spans.filter((s) => s.attributes['hubspot_functions.request.id'] === requestId);
      const parentId = ours[0]?.parentSpanContext?.spanId;
      const http = spans.find((s) => s.spanContext().spanId === parentId);
      assert.ok(http, `the parent of ${requestId}'s span was exported: ${spans.map((s) => s.name).join(', ')}`);
      return { http, ours };
    }

    test('issue #15: one request is one span "hubspot-functions GET /hello", child of the HTTP server span, with the invocation\'s attributes', async () => {
      const res = await request(app).get('/_hcms/api/hello').expect(200);
      const id = res.headers['x-request-id'] as string;
      const { http, ours } = spansOf(id);
      assert.equal(ours.length, 1);
      const span = ours[0]!;
      assert.equal(span.name, 'hubspot-functions GET /hello');
      assert.equal(span.kind, SpanKind.INTERNAL);
      assert.equal(http.kind, SpanKind.SERVER);
      assert.equal(span.spanContext().traceId, http.spanContext().traceId);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      const a = span.attributes;
      assert.equal(a['hubspot_functions.function.id'], 'test/fixtures/basic.functions#hello');
      assert.equal(a['hubspot_functions.request.id'], id);
      assert.equal(a['hubspot_functions.status'], 'SUCCESS');
      assert.equal(a['http.response.status_code'], 200);
      assert.equal(a['http.request.method'], 'GET');
      assert.equal(a['hubspot_functions.endpoint'], 'hello');
      assert.equal(a['hubspot_functions.instance'], 'otel-1');
      assert.equal(a['hubspot_functions.memory.limit_mb'], 128);
      assert.ok(typeof a['hubspot_functions.memory.used_mb'] === 'number' && a['hubspot_functions.memory.used_mb'] > 0);
      assert.equal(a['hubspot_functions.outbound.count'], 0);
      assert.equal(typeof a['hubspot_functions.execution_time_ms'], 'number');
    });

    test('issue #15: a function that throws ends its span with an error status and the error type', async () => {
      const res = await request(app).get('/_hcms/api/throws').expect(500);
      const { ours } = spansOf(res.headers['x-request-id'] as string);
      assert.equal(ours.length, 1);
      assert.equal(ours[0]!.status.code, SpanStatusCode.ERROR);
      // The record's error: the thrown error's name and message (SPEC R60).
      assert.equal(ours[0]!.status.message, 'Error: boom from function');
      assert.equal(ours[0]!.attributes['hubspot_functions.status'], 'UNHANDLED_ERROR');
      assert.equal(ours[0]!.attributes['error.type'], 'Error');
      assert.equal(ours[0]!.attributes['http.response.status_code'], 500);
    });

    test('issue #15: metrics: invocations and execution time by endpoint and status, and 429s', async () => {
      // Two calls so far (hello, throws); two more reach maxExecutions: 4, the fifth is a 429.
      await request(app).get('/_hcms/api/hello').expect(200);
      await request(app).get('/_hcms/api/hello').expect(200);
      const refused = await request(app).get('/_hcms/api/hello').expect(429);
      const { ours } = spansOf(refused.headers['x-request-id'] as string);
      assert.equal(ours[0]!.attributes['http.response.status_code'], 429);
      const invocations = await points(reader, 'hubspot_functions.invocations');
      const value = (endpoint: string, status: string): unknown =>
        invocations.find((p) => p.attributes['hubspot_functions.endpoint'] === endpoint && p.attributes['hubspot_functions.status'] === status)?.value;
      assert.equal(value('hello', 'SUCCESS'), 3);
      assert.equal(value('throws', 'UNHANDLED_ERROR'), 1);
      assert.equal(value('hello', 'ERROR'), 1);
      const histogram = await points(reader, 'hubspot_functions.execution_time');
      const hello = histogram.find((p) => p.attributes['hubspot_functions.endpoint'] === 'hello' && p.attributes['hubspot_functions.status'] === 'SUCCESS');
      assert.equal((hello?.value as { count: number }).count, 3);
      const limited = await points(reader, 'hubspot_functions.rate_limited');
      assert.deepEqual(limited.map((p) => [p.attributes['hubspot_functions.endpoint'], p.value]), [['hello', 1]]);
    });

    test('issue #15: inline, the function\'s own outgoing HTTP call is a child of its invocation span', async () => {
      const upstream = createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const functions = hubspotFunctions(fixture('operations.functions'), quiet().options);
      try {
        const outer = express();
        outer.use(functions);
        const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
        const res = await request(outer).get(`/_hcms/api/outbound?url=${encodeURIComponent(url)}`).expect(200, { upstream: 200 });
        const { ours } = spansOf(res.headers['x-request-id'] as string);
        const client = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === ours[0]!.spanContext().spanId);
        assert.ok(client, 'a client span under the invocation span');
      } finally {
        await functions.close();
        upstream.close();
      }
    });

    test('issue #15: telemetry: false creates no span', async () => {
      const functions = hubspotFunctions(fixture('basic.functions'), quiet({ telemetry: false }).options);
      try {
        const plain = express();
        plain.use(functions);
        const res = await request(plain).get('/_hcms/api/hello').expect(200);
        const id = res.headers['x-request-id'] as string;
        assert.equal(exporter.getFinishedSpans().filter((s) => s.attributes['hubspot_functions.request.id'] === id).length, 0);
      } finally {
        await functions.close();
      }
    });
  });
});
