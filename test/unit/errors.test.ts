// The README's Errors table and ERROR_CODES stay in sync (STYLE: as fastify's errors.test.js).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, HubSpotFunctionsError } from '../../src/errors';

function readmeErrorRows(): Map<string, string> {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## Errors$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README.md has a "## Errors" section');
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\|\s*`(HSF_[A-Z_]+)`\s*\|\s*([^|]*)\|/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.trim());
  }
  return rows;
}

test('SPEC R48: every error code is in the README table with its status, and nothing else is', () => {
  const rows = readmeErrorRows();
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    const shown = rows.get(code)!;
    assert.equal(shown, info.status === 0 ? 'thrown' : String(info.status), `status of ${code}`);
  }
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
