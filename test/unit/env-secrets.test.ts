import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionDefinition } from '../../src/definitions';
import { createSecretsResolver } from '../../src/env/secrets';
import type { SecretsProvider } from '../../src/types';

function definition(folder: string, secrets: string[], isProject = false): FunctionDefinition {
  return {
    id: `${folder}#fn`, kind: isProject ? 'appFunction' : 'endpoint', name: 'fn', endpoint: 'fn', methods: ['GET'], path: '/fn',
    file: join(folder, 'fn.js'), folder, configFile: join(folder, 'serverless.json'),
    environment: {}, secrets, isProject, warnings: [], order: 0,
  };
}

/** Runs `fn` with a functions folder in a temp dir holding this `.env` text (or none). */
async function withFolder(dotEnv: string | null, fn: (folder: string) => unknown): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'hsf-secrets-'));
  try {
    if (dotEnv !== null) writeFileSync(join(folder, '.env'), dotEnv);
    await fn(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const hostEnv = { API_KEY: 'host-api-key', ONLY_HOST: 'host-only', PRIVATE_APP_ACCESS_TOKEN: 'host-pat' };

const cases: Array<{ name: string; provider: SecretsProvider | null; dotEnv: string | null; secrets: string[]; isProject?: boolean; want: Record<string, string | undefined> }> = [
  {
    name: 'SPEC R32: the default provider reads the host env first: a real variable is never overridden by .env',
    provider: null, dotEnv: 'API_KEY=stale-dotenv-key\n# comment\nQUOTED="a b"\n', secrets: ['API_KEY', 'QUOTED'],
    want: { API_KEY: 'host-api-key', QUOTED: 'a b' },
  },
  {
    name: 'SPEC R32: the default provider falls back to the folder\'s .env',
    provider: null, dotEnv: 'OTHER=1\nONLY_DOTENV=from-file\n', secrets: ['API_KEY', 'ONLY_HOST', 'ONLY_DOTENV', 'MISSING'],
    want: { API_KEY: 'host-api-key', ONLY_HOST: 'host-only', ONLY_DOTENV: 'from-file', MISSING: undefined },
  },
  {
    name: 'SPEC R32: the default provider without a .env reads the host env',
    provider: null, dotEnv: null, secrets: ['API_KEY'],
    want: { API_KEY: 'host-api-key' },
  },
  {
    name: 'SPEC R32: an object provider (the host env is not consulted)',
    provider: { API_KEY: 'object-key' }, dotEnv: 'ONLY_HOST=dotenv\n', secrets: ['API_KEY', 'ONLY_HOST'],
    want: { API_KEY: 'object-key', ONLY_HOST: undefined },
  },
  {
    name: 'SPEC R32: an object provider ignores inherited names',
    provider: {}, dotEnv: null, secrets: ['constructor', 'toString'],
    want: { constructor: undefined, toString: undefined },
  },
  {
    name: 'SPEC R32: a function provider',
    provider: (name) => (name === 'API_KEY' ? 'fn-key' : undefined), dotEnv: null, secrets: ['API_KEY', 'NOPE'],
    want: { API_KEY: 'fn-key', NOPE: undefined },
  },
  {
    name: 'SPEC R32: an async function provider',
    provider: async (name) => `async-${name}`, dotEnv: null, secrets: ['A', 'B'],
    want: { A: 'async-A', B: 'async-B' },
  },
  {
    name: 'SPEC R30: a project function also resolves PRIVATE_APP_ACCESS_TOKEN',
    provider: null, dotEnv: 'PRIVATE_APP_ACCESS_TOKEN=dotenv-pat\n', secrets: ['API_KEY'], isProject: true,
    want: { API_KEY: 'host-api-key', PRIVATE_APP_ACCESS_TOKEN: 'host-pat' },
  },
];

for (const t of cases) {
  test(t.name, async () => {
    await withFolder(t.dotEnv, async (folder) => {
      const resolver = createSecretsResolver(t.provider, hostEnv);
      assert.deepStrictEqual({ ...(await resolver.resolve(definition(folder, t.secrets, t.isProject))) }, t.want);
    });
  });
}

test('SPEC R32: a throwing provider function rejects with the secret\'s name in the message', async () => {
  const resolver = createSecretsResolver((name) => {
    if (name === 'BAD_ONE') throw new Error('vault down');
    return 'ok';
  }, {});
  await assert.rejects(resolver.resolve(definition('/nowhere', ['GOOD', 'BAD_ONE'])), (error: Error & { code?: string; cause?: unknown }) => {
    assert.equal(error.code, 'HSF_FUNCTION_LOAD_FAILED');
    assert.ok(error.message.includes('BAD_ONE'), error.message);
    assert.equal((error.cause as Error).message, 'vault down');
    return true;
  });
});

test('SPEC R32: .env is cached per folder and re-read after it changes', () => withFolder('A=one\n', (folder) => {
  const dir = { folder };
  const resolver = createSecretsResolver(null, {});
  const first = resolver.readDotEnv(dir.folder);
  assert.deepStrictEqual({ ...first }, { A: 'one' });
  assert.equal(resolver.readDotEnv(dir.folder), first, 'an unchanged file is not parsed again');
  writeFileSync(join(dir.folder, '.env'), 'A=two\n');
  // Same size: move the mtime on, as a real edit a moment later would.
  const later = new Date(Date.now() + 5000);
  utimesSync(join(dir.folder, '.env'), later, later);
  assert.deepStrictEqual({ ...resolver.readDotEnv(dir.folder) }, { A: 'two' });
  rmSync(join(dir.folder, '.env'));
  assert.deepStrictEqual({ ...resolver.readDotEnv(dir.folder) }, {});
}));
