// The static reading behind `validate` and `doctor` (issue #6): no function code runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanFunctionSource } from '../../src/analysis/scan-function-source';
import { packageNameOf } from '../../src/analysis/package-name';

const mains = [
  { name: 'SPEC R40: exports.main = async arrow', src: 'exports.main = async (context) => ({})', want: { found: true, async: true, params: 1 } },
  { name: 'SPEC R41: callback style with two parameters', src: 'exports.main = (context, sendResponse) => sendResponse({})', want: { found: true, async: false, params: 2 } },
  { name: 'SPEC R41: a rest parameter counts as callback style', src: 'function main(...args) {}\nmodule.exports = { main };', want: { found: true, async: false, params: 2 } },
  { name: 'SPEC R41: a default value still counts as a parameter', src: 'module.exports.main = async function (context = {}, cb) {}', want: { found: true, async: true, params: 2 } },
  { name: 'SPEC R40: module.exports = { main: fn }', src: 'module.exports = { main: async (c) => 1 }', want: { found: true, async: true, params: 1 } },
  { name: 'SPEC R40: export async function main (ES module)', src: 'export async function main(context) { return 1 }', want: { found: true, async: true, params: 1 } },
  { name: 'SPEC R40: export { main } of a const', src: 'const main = async (c) => 1;\nexport { main };', want: { found: true, async: true, params: 1 } },
  { name: 'SPEC R40: no main export', src: 'exports.notMain = () => {}', want: { found: false, async: false, params: 0 } },
];
for (const t of mains) {
  test(t.name, () => {
    const { found, async, params } = scanFunctionSource(t.src).main;
    assert.deepEqual({ found, async, params }, t.want);
  });
}

test('SPEC R7: a file that parses neither as a script nor as a module is a syntax error with its line', () => {
  assert.equal(scanFunctionSource('\nexports.main = (').syntaxError?.line, 2);
});

test('SPEC R25, R29, R42: imports, context.secrets, Title-Case headers and HubSpot-hosted places are found with their lines', () => {
  const scan = scanFunctionSource([
    "const axios = require('axios');",
    "import('dayjs');",
    'exports.main = async (context) => {',
    "  const a = context.headers['User-Agent'], b = context.headers.cookie, c = context.secrets.KEY, d = process.secrets;",
    '  return `https://x.hs-sites.com/_hcms/api/y`;',
    '};',
  ].join('\n'));
  assert.deepEqual(scan.imports, [{ specifier: 'axios', line: 1 }, { specifier: 'dayjs', line: 2 }]);
  assert.deepEqual(scan.titleCaseHeaders, [{ line: 4, text: 'User-Agent' }]);
  assert.deepEqual(scan.secretsReads, [{ line: 4, text: 'context.secrets' }]);
  assert.deepEqual(scan.hubspotHosts, [{ line: 5, text: 'https://x.hs-sites.com/_hcms/api/y' }]);
});

const specifiers = [
  { specifier: 'axios', want: 'axios' },
  { specifier: 'lodash/get', want: 'lodash' },
  { specifier: '@hubspot/api-client', want: '@hubspot/api-client' },
  { specifier: '@scope/pkg/sub', want: '@scope/pkg' },
  { specifier: './lib/x', want: null },
  { specifier: 'node:path', want: null },
  { specifier: 'crypto', want: null },
  { specifier: 'fs/promises', want: null },
];
for (const t of specifiers) {
  test(`SPEC R42: "${t.specifier}" names the package ${t.want}`, () => assert.equal(packageNameOf(t.specifier), t.want));
}

const habits = [
  {
    name: 'SPEC R27: context.contact, destructured from the parameter or from the context variable',
    src: "exports.main = async (ctx) => { const { contact } = ctx; return ctx.contact ? 1 : contact; };",
    contact: [1], keys: [],
  },
  { name: 'SPEC R27: ({ accountId, contact }) in the parameter list', src: 'exports.main = ({ accountId,\n contact }, sendResponse) => sendResponse({});', contact: [2], keys: [] },
  { name: 'SPEC R27: other objects\' contact is not context.contact', src: 'exports.main = async (context) => ({ body: data.contact });', contact: [], keys: [] },
  {
    name: 'issue #11: HubSpot API keys: a hapikey= query, a hapikey key, an apiKey client option',
    src: "const c = new hubspot.Client({ apiKey: KEY });\nconst url = `https://api.hubapi.com/x?hapikey=${KEY}`;\nrequest({ qs: { hapikey: KEY } });\nconst ok = new hubspot.Client({ accessToken: T });",
    contact: [], keys: [1, 2, 3],
  },
];
for (const t of habits) {
  test(t.name, () => {
    const scan = scanFunctionSource(t.src);
    assert.deepEqual(scan.contactReads.map((h) => h.line), t.contact);
    assert.deepEqual(scan.apiKeys.map((h) => h.line), t.keys);
  });
}

const styles = [
  { name: 'SPEC R41: HubSpot\'s template calls sendResponse and returns nothing', src: 'exports.main = async (context, sendResponse) => { if (x) { sendResponse({ body: 1 }); return; } sendResponse({ body: 2 }); };', want: { callbackCalls: 2, returnsValue: false } },
  { name: 'SPEC R41: return sendResponse(...) is still one style', src: 'exports.main = async (c, cb) => { return cb({ body: 1 }); };', want: { callbackCalls: 1, returnsValue: false } },
  { name: 'SPEC R41: a nested callback\'s return is not main\'s', src: 'exports.main = async (c, cb) => { [1].map((x) => { return x; }); fetch().then(() => cb({})); };', want: { callbackCalls: 1, returnsValue: false } },
  { name: 'SPEC R41: returning a value and calling back mixes the styles', src: 'exports.main = async (c, cb) => { cb({}); return { body: 1 }; };', want: { callbackCalls: 1, returnsValue: true } },
  { name: 'SPEC R41: an expression body returns its value', src: 'exports.main = async (c, cb) => ({ body: 1 });', want: { callbackCalls: 0, returnsValue: true } },
];
for (const t of styles) {
  test(t.name, () => {
    const { callbackCalls, returnsValue } = scanFunctionSource(t.src).main;
    assert.deepEqual({ callbackCalls, returnsValue }, t.want);
  });
}
