import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FunctionDefinition } from '../../src/definitions';
import { buildFunctionEnv } from '../../src/env/build-function-env';

function definition(overrides: Partial<FunctionDefinition>): FunctionDefinition {
  return {
    id: 'app.functions#hello', kind: 'endpoint', name: 'hello', endpoint: 'hello', methods: ['GET'], path: '/_hcms/api/hello',
    file: '/app.functions/hello.js', folder: '/app.functions', configFile: '/app.functions/serverless.json',
    environment: {}, secrets: [], isProject: false, warnings: [], order: 0, ...overrides,
  };
}

const hostEnv = { NODE_ENV: 'test', PATH: '/bin', HOME: '/root', DATABASE_PASSWORD: 'hunter22', API_KEY: 'host-key', PRIVATE_APP_ACCESS_TOKEN: 'host-token', TZ: 'Europe/Paris' };
const allowList = ['NODE_ENV', 'TZ', 'PATH', 'HOME', 'LANG'];

const cases: Array<{
  name: string;
  definition: Partial<FunctionDefinition>;
  secrets?: Record<string, string | undefined>;
  allowList?: string[];
  token?: string;
  want: Record<string, string>;
}> = [
  {
    name: 'SPEC R31: only allow-listed host names, and TZ=UTC (SPEC R30)',
    definition: {},
    want: { NODE_ENV: 'test', PATH: '/bin', HOME: '/root', TZ: 'UTC' },
  },
  {
    name: 'SPEC R31: an empty allow-list lets nothing of the host in',
    definition: {}, allowList: [],
    want: { TZ: 'UTC' },
  },
  {
    name: 'SPEC R30: environment overrides an allow-listed host name',
    definition: { environment: { NODE_ENV: 'production', GREETING: 'hi' } },
    want: { NODE_ENV: 'production', PATH: '/bin', HOME: '/root', GREETING: 'hi', TZ: 'UTC' },
  },
  {
    name: 'SPEC R30 R7: a declared secret wins over an environment name',
    definition: { environment: { API_KEY: 'from-env' }, secrets: ['API_KEY'] },
    secrets: { API_KEY: 'secret-key' },
    want: { NODE_ENV: 'test', PATH: '/bin', HOME: '/root', API_KEY: 'secret-key', TZ: 'UTC' },
  },
  {
    name: 'SPEC R32: a declared secret without a value is absent (the environment value stays)',
    definition: { environment: { API_KEY: 'from-env' }, secrets: ['API_KEY', 'OTHER'] },
    secrets: { API_KEY: undefined, OTHER: undefined },
    want: { NODE_ENV: 'test', PATH: '/bin', HOME: '/root', API_KEY: 'from-env', TZ: 'UTC' },
  },
  {
    name: 'SPEC R31: an undeclared secret value is not added',
    definition: { secrets: ['A'] },
    secrets: { A: 'aaaa', B: 'bbbb' },
    want: { NODE_ENV: 'test', PATH: '/bin', HOME: '/root', A: 'aaaa', TZ: 'UTC' },
  },
  {
    name: 'SPEC R30: a project function gets PRIVATE_APP_ACCESS_TOKEN from the secret values',
    definition: { isProject: true }, allowList: [],
    secrets: { PRIVATE_APP_ACCESS_TOKEN: 'pat-secret' },
    want: { PRIVATE_APP_ACCESS_TOKEN: 'pat-secret', TZ: 'UTC' },
  },
  {
    name: 'SPEC R30: a project function gets PRIVATE_APP_ACCESS_TOKEN from the host env',
    definition: { isProject: true }, allowList: [],
    want: { PRIVATE_APP_ACCESS_TOKEN: 'host-token', TZ: 'UTC' },
  },
  {
    name: 'SPEC R30: an explicit token option wins',
    definition: { isProject: true }, allowList: [], token: 'pat-option',
    secrets: { PRIVATE_APP_ACCESS_TOKEN: 'pat-secret' },
    want: { PRIVATE_APP_ACCESS_TOKEN: 'pat-option', TZ: 'UTC' },
  },
  {
    name: 'SPEC R30: a design-manager function never gets PRIVATE_APP_ACCESS_TOKEN',
    definition: { isProject: false }, allowList: [],
    secrets: { PRIVATE_APP_ACCESS_TOKEN: 'pat-secret' },
    want: { TZ: 'UTC' },
  },
  {
    name: 'SPEC R30, issue #14: TZ is the function\'s own when its environment sets it, never the host\'s',
    definition: { environment: { TZ: 'America/New_York' } }, allowList: ['TZ'],
    want: { TZ: 'America/New_York' },
  },
];

for (const t of cases) {
  test(t.name, () => {
    const env = buildFunctionEnv(definition(t.definition), t.secrets ?? {}, {
      allowList: t.allowList ?? allowList,
      hostEnv,
      ...(t.token === undefined ? {} : { privateAppAccessToken: t.token }),
    });
    assert.deepStrictEqual({ ...env }, t.want);
  });
}

test('SPEC R30: an environment name like __proto__ is a plain key, never pollution', () => {
  const environment = JSON.parse('{ "__proto__": "x", "constructor": "y" }') as Record<string, string>;
  const env = buildFunctionEnv(definition({ environment }), {}, { allowList: [], hostEnv: {} });
  assert.deepStrictEqual(Object.keys(env).sort(), ['TZ', '__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(env), Object.prototype);
});
