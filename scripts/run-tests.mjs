// Runs every test file under test/ with node's own test runner, TypeScript through tsx.
// Usage: node scripts/run-tests.mjs [substring filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'fixtures' || name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (/\.test\.(ts|mts|cts|js|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

const files = findTests(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  // No test may depend on the preloaded packages a developer installed (SPEC R42): by default they
  // see an empty set; a test that needs one passes its own directory.
  { cwd: root, stdio: 'inherit', env: { ...process.env, HUBSPOT_FUNCTIONS_PRELOADED_DIR: process.env.HUBSPOT_FUNCTIONS_PRELOADED_DIR ?? join(root, '.tmp', 'no-preloaded-packages') } },
);
process.exit(result.status ?? 1);
