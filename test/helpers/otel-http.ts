// Imported first by the OpenTelemetry test: @opentelemetry/instrumentation-http patches node:http
// when it is required, so it must be registered before Express or supertest load it. The tracer
// and meter providers are registered later (registerSdk), so a test can first see the host
// without an SDK.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';

registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
