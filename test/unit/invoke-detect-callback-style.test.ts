import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { detectCallbackStyle } from '../../src/invoke/detect-callback-style';

// Functions are built from source text with an indirect eval, so fn.toString() is exactly the
// text below (the test file itself is transpiled, which could reshape inline functions).
const build = (source: string): (() => unknown) => (0, eval)(`(${source})`) as () => unknown;

const cases: Array<{ name: string; source: string; want: boolean }> = [
  { name: 'function declaration, one parameter', source: 'function main(context) { return 1 }', want: false },
  { name: 'function declaration, two parameters', source: 'function main(context, sendResponse) {}', want: true },
  { name: 'async function, one parameter', source: 'async function main(context) {}', want: false },
  { name: 'anonymous async function, two parameters', source: 'async function (c, cb) {}', want: true },
  { name: 'arrow with parentheses, one parameter', source: '(c) => {}', want: false },
  { name: 'arrow without parentheses', source: 'c => c', want: false },
  { name: 'arrow, two parameters', source: '(c, cb) => {}', want: true },
  { name: 'async arrow without parentheses', source: 'async c => c', want: false },
  { name: 'async arrow, two parameters', source: 'async (c, cb) => { cb(1) }', want: true },
  { name: 'method, two parameters', source: '({ main(c, cb) {} }).main', want: true },
  { name: 'async method, one parameter', source: '({ async main(c) {} }).main', want: false },
  { name: 'computed method, two parameters', source: "({ ['main'](c, cb) {} }).main", want: true },
  { name: 'static class method, two parameters', source: 'class X { static main(c, cb) {} }.main', want: true },
  { name: 'default value before the callback ((c = {}, cb): length 0)', source: '(c = {}, cb) => {}', want: true },
  { name: 'defaults holding parentheses and arrows', source: '(c = (() => 1)(), cb = () => {}) => {}', want: true },
  { name: 'destructured context and a callback', source: '({ body, params }, sendResponse) => {}', want: true },
  { name: 'destructured context with a default, alone', source: '({ body } = {}) => body', want: false },
  { name: 'rest parameter alone', source: '(...args) => {}', want: true },
  { name: 'context then rest', source: 'function main(context, ...rest) {}', want: true },
  { name: 'generator, two parameters', source: 'function* gen(a, b) {}', want: true },
  { name: 'comment in the parameter list', source: 'function main(context /*, sendResponse */) {}', want: false },
  { name: 'no parameters', source: '() => ({})', want: false },
  { name: 'a trailing comma after one parameter', source: 'function main (context , ) {}', want: false },
  { name: 'async arrow without a space', source: 'async(c) => c', want: false },
  { name: 'a default holding a closing parenthesis', source: "(c = ')', cb) => {}", want: true },
  { name: 'non-ASCII names', source: '(kontextové, odpověď) => {}', want: true },
  { name: 'bound function falls back to length 2', source: '(function (a, b) {}).bind(null)', want: true },
  { name: 'bound function falls back to length 1', source: '(function (a, b) {}).bind(null, 1)', want: false },
];

for (const t of cases) {
  test(`SPEC R41: ${t.name} → callback style ${t.want}`, () => {
    assert.equal(detectCallbackStyle(build(t.source)), t.want);
  });
}

test('SPEC R41: the answer is cached per function and stable across calls', () => {
  const fn = build('(c = 1, cb) => {}');
  assert.equal(detectCallbackStyle(fn), true);
  assert.equal(detectCallbackStyle(fn), true);
  assert.equal(detectCallbackStyle(build('(c = 1) => {}')), false);
});

test('a plain parameter list is read without loading the parser into the instance (issue #12: ~1 MiB per worker)', () => {
  const module = join(__dirname, '..', '..', 'src', 'invoke', 'detect-callback-style.ts');
  const script = `
    const { detectCallbackStyle } = require(${JSON.stringify(module)});
    const loaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/acorn/'));
    const plain = [detectCallbackStyle(async (context) => context), detectCallbackStyle(function main(context, sendResponse) {})];
    const before = loaded();
    const parsed = detectCallbackStyle((c = {}, cb) => cb);
    console.log(JSON.stringify({ plain, before, parsed, after: loaded() }));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.deepStrictEqual(JSON.parse(run.stdout), { plain: [false, true], before: false, parsed: true, after: true });
});
