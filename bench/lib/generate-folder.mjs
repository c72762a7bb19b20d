// A generated `.functions` folder of N endpoints (copies of the `hello` fixture, one file each),
// in a temp dir, for the start-up and per-worker memory measures.
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE } from './servers.mjs';

/** Writes `<tmp>/gen.functions` with `count` endpoints `/_hcms/api/fn-000` …; returns its path. */
export function generateFolder(parent, count) {
  const dir = path.join(mkdtempSync(path.join(parent ?? os.tmpdir(), 'hsf-bench-gen-')), 'gen.functions');
  mkdirSync(dir, { recursive: true });
  const source = readFileSync(path.join(FIXTURE, 'hello.js'), 'utf8');
  const endpoints = {};
  for (let i = 0; i < count; i++) {
    const name = `fn-${String(i).padStart(3, '0')}`;
    writeFileSync(path.join(dir, `${name}.js`), source);
    endpoints[name] = { method: 'GET', file: `${name}.js` };
  }
  const config = { runtime: 'nodejs20.x', version: '1.0', environment: { BENCH_SITE: 'Bench Site' }, secrets: [], endpoints };
  writeFileSync(path.join(dir, 'serverless.json'), JSON.stringify(config, null, 2));
  return dir;
}

/** The URL path of generated endpoint `i`. */
export function generatedPath(i) {
  return `/_hcms/api/fn-${String(i).padStart(3, '0')}`;
}
