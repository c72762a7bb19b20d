// What the runner unit tests hand a Runner: an instance spec for a fixture file, and the plain
// context data of a GET endpoint call.
import { join } from 'node:path';
import type { ContextData, FunctionDefinition, InstanceSpec } from '../../src/definitions';
import { redactionsFor } from '../../src/env/redactions';

/** An endpoint's InstanceSpec for `file` in `fixtures`, with its env and secrets (TZ=UTC added). */
export function instanceSpec(
  fixtures: string,
  id: string,
  file: string,
  env: Record<string, string> = {},
  secrets: Record<string, string> = {},
): InstanceSpec {
  const definition: FunctionDefinition = {
    id, kind: 'endpoint', name: id, endpoint: id, methods: ['GET'], path: `/_hcms/api/${id}`,
    file: join(fixtures, file), folder: fixtures, configFile: join(fixtures, 'serverless.json'),
    environment: {}, secrets: Object.keys(secrets), isProject: false, warnings: [], order: 0,
  };
  return { definition, env: { ...env, ...secrets, TZ: 'UTC' }, redactions: redactionsFor(secrets), memoryLimitMb: 128 };
}

/** The context data of a GET call with these query params. */
export function endpointData(params: Record<string, string[]> = {}): ContextData {
  const limits = { executionsRemaining: 100, timeRemaining: 600000 };
  return { kind: 'endpoint', context: { accountId: 1, body: {}, contact: null, headers: {}, params, limits, method: 'GET', endpoint: 'x' } };
}
