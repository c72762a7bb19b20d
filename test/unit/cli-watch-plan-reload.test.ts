// Watch mode reloads only what changed (issue #6): the plan from two configurations and the
// files the watcher reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionDefinition } from '../../src/definitions';
import { planReload } from '../../src/functions/plan-reload';
import { isWatchedPath } from '../../src/watch/watch-folders';

function def(name: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition {
  return {
    id: `site.functions#${name}`, kind: 'endpoint', name, endpoint: name, methods: ['GET'], path: `/_hcms/api/${name}`,
    file: `/app/site.functions/${name}.js`, folder: '/app/site.functions', configFile: '/app/site.functions/serverless.json',
    environment: {}, secrets: [], isProject: false, warnings: [], order: 0, ...extra,
  };
}

const a = def('a');
const b = def('b');
const cases: Array<{ name: string; previous: FunctionDefinition[]; next: FunctionDefinition[]; files: string[]; want: Record<'added' | 'changed' | 'removed' | 'unchanged', string[]> }> = [
  { name: 'issue #6: an edited function file reloads that function only', previous: [a, b], next: [a, b], files: ['/app/site.functions/a.js'], want: { added: [], changed: ['a'], removed: [], unchanged: ['b'] } },
  { name: 'SPEC R42: an edited helper module reloads every function of its folder', previous: [a, b], next: [a, b], files: ['/app/site.functions/lib/db.js'], want: { added: [], changed: ['a', 'b'], removed: [], unchanged: [] } },
  { name: 'SPEC R32: an edited .env reloads the folder\'s functions (their secrets)', previous: [a, b], next: [a, b], files: ['/app/site.functions/.env'], want: { added: [], changed: ['a', 'b'], removed: [], unchanged: [] } },
  { name: 'SPEC R30: a changed environment in serverless.json reloads that function', previous: [a, b], next: [def('a', { environment: { X: '1' } }), b], files: ['/app/site.functions/serverless.json'], want: { added: [], changed: ['a'], removed: [], unchanged: ['b'] } },
  { name: 'SPEC R9: a new endpoint is added, a removed one removed', previous: [a, b], next: [a, def('c')], files: ['/app/site.functions/serverless.json'], want: { added: ['c'], changed: [], removed: ['b'], unchanged: ['a'] } },
  { name: 'SPEC R8: a new position in mount order alone changes nothing', previous: [a, b], next: [def('b', { order: 0 }), def('a', { order: 1 })], files: [], want: { added: [], changed: [], removed: [], unchanged: ['b', 'a'] } },
  { name: 'issue #6: a README or an editor backup changes nothing', previous: [a], next: [a], files: ['/app/site.functions/README.md', '/app/site.functions/a.js.bak'], want: { added: [], changed: [], removed: [], unchanged: ['a'] } },
  { name: 'issue #6: a file of another folder changes nothing here', previous: [a], next: [a], files: ['/app/other.functions/x.js'], want: { added: [], changed: [], removed: [], unchanged: ['a'] } },
];
for (const t of cases) {
  test(t.name, () => {
    const plan = planReload(t.previous, t.next, t.files);
    const names = (list: FunctionDefinition[]) => list.map((d) => d.name);
    assert.deepEqual({ added: names(plan.added), changed: names(plan.changed), removed: names(plan.removed), unchanged: names(plan.unchanged) }, t.want);
  });
}

const watched = [
  { path: 'a.js', want: true },
  { path: 'lib/db.js', want: true },
  { path: '.env', want: true },
  { path: 'node_modules/x/index.js', want: false },
  { path: '.git/HEAD', want: false },
  { path: 'a.js~', want: false },
  { path: '.a.js.swp', want: false },
];
for (const t of watched) {
  test(`SPEC R1: watching ${t.path} is ${t.want}`, () => assert.equal(isWatchedPath(t.path), t.want));
}
