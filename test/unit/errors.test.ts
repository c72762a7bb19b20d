// The tables of docs/errors-and-warnings.md and the catalogues in the code stay in sync, in every
// column (STYLE: as fastify's errors.test.js; issue #16).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, HubSpotFunctionsError } from '../../src/errors';
import { WARNING_CODES } from '../../src/warnings';

const root = join(__dirname, '..', '..');

/** The rows of the table under `## <heading>`: code → the other cells, unescaped. */
function tableRows(heading: string): Map<string, string[]> {
  const page = readFileSync(join(root, 'docs', 'errors-and-warnings.md'), 'utf8');
  const section = page.split(new RegExp(`^## ${heading}$`, 'm'))[1]?.split(/^## /m)[0];
  assert.ok(section, `docs/errors-and-warnings.md has a "## ${heading}" section`);
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `HSF_')) continue;
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
    const code = /^`(HSF_[A-Z_]+)`$/.exec(cells[0]!)?.[1];
    assert.ok(code, `a code in the first cell: ${line}`);
    assert.ok(!rows.has(code), `${code} is listed once`);
    rows.set(code, cells.slice(1));
  }
  return rows;
}

test('issue #16: every error code is in the docs with its status, meaning and fix, and nothing else is', () => {
  const rows = tableRows('Errors');
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.deepEqual(rows.get(code), [info.status === 0 ? '—' : String(info.status), info.meaning, info.fix], code);
  }
});

test('issue #16: every warning code is in the docs with its meaning and what to do, and nothing else is', () => {
  const rows = tableRows('Warnings');
  assert.deepEqual([...rows.keys()].sort(), Object.keys(WARNING_CODES).sort());
  for (const [code, info] of Object.entries(WARNING_CODES)) assert.deepEqual(rows.get(code), [info.meaning, info.fix], code);
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'assets' ? [] : sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

test('issue #16: every HSF_ code written in src/ is catalogued (as an error or a warning)', () => {
  const known = new Set([...Object.keys(ERROR_CODES), ...Object.keys(WARNING_CODES)]);
  const unknown = new Set<string>();
  for (const file of sources(join(root, 'src'))) {
    // A whole code in quotes or backticks; `HSF_CONFIG_*` in prose is a family, not a code.
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](HSF_[A-Z_]*[A-Z])['"`]/g)) {
      if (!known.has(m[1]!)) unknown.add(`${m[1]} (${file.slice(root.length + 1)})`);
    }
  }
  assert.deepEqual([...unknown], []);
});

test('HubSpotFunctionsError carries code, status, statusCode, expose, headers and cause', () => {
  const cause = new Error('inner');
  const e = new HubSpotFunctionsError('HSF_BODY_TOO_LARGE', 'too big', { cause });
  assert.equal(e.code, 'HSF_BODY_TOO_LARGE');
  assert.equal(e.status, 413);
  assert.equal(e.statusCode, 413);
  assert.equal(e.expose, true);
  assert.deepEqual(e.headers, {});
  assert.equal(e.cause, cause);
  assert.ok(e instanceof Error);
  const server = new HubSpotFunctionsError('HSF_TIMEOUT', 'late');
  assert.equal(server.status, 504);
  assert.equal(server.expose, false);
  const config = new HubSpotFunctionsError('HSF_CONFIG_INVALID', 'bad');
  assert.equal(config.status, 500, 'mount-time errors default to 500 if one ever reaches a handler');
});
