// SPEC R11, R13: the route table: literal paths, one Map lookup, HEAD and Allow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRouteTable } from '../../src/routing/route-table';
import { loadDefinitions } from '../../src/config/load-definitions';
import type { FunctionDefinition } from '../../src/definitions';

function definition(id: string, routePath: string | null, methods: string[]): FunctionDefinition {
  return {
    id, kind: 'endpoint', name: id, endpoint: routePath?.slice('/_hcms/api/'.length) ?? null, methods, path: routePath,
    file: `/f/${id}.js`, folder: '/f', configFile: '/f/serverless.json', environment: {}, secrets: [],
    isProject: false, warnings: [], order: 0,
  };
}

const table = createRouteTable([
  definition('events', '/_hcms/api/events', ['GET']),
  definition('update', '/_hcms/api/events/update', ['DELETE', 'POST']),
  definition('all', '/_hcms/api/all', ['DELETE', 'PATCH', 'PUT', 'POST', 'GET']),
  definition('user', '/_hcms/api/users/:id', ['GET']),
  definition('star', '/_hcms/api/files/*', ['GET']),
  definition('brace', '/_hcms/api/{x}', ['GET']),
  definition('space', '/_hcms/api/a b', ['GET']),
  definition('cafe', '/_hcms/api/café', ['GET']),
  definition('slash', '/_hcms/api/a/b', ['GET']),
  definition('escaped', '/_hcms/api/odd%20name', ['GET']),
  definition('percent', '/_hcms/api/50%off', ['GET']),
  definition('private', null, []),
]);

const matchCases: Array<{ name: string; method: string; path: string; want: string | undefined }> = [
  { name: 'SPEC R11: an exact path matches', method: 'GET', path: '/_hcms/api/events', want: 'events' },
  { name: 'SPEC R11: one trailing slash is ignored', method: 'GET', path: '/_hcms/api/events/', want: 'events' },
  { name: 'SPEC R11: two trailing slashes are not', method: 'GET', path: '/_hcms/api/events//', want: undefined },
  { name: 'SPEC R11: matching is case-sensitive', method: 'GET', path: '/_hcms/api/Events', want: undefined },
  { name: 'SPEC R11: paths may contain /', method: 'POST', path: '/_hcms/api/events/update', want: 'update' },
  { name: 'SPEC R11: a prefix of a path does not match', method: 'GET', path: '/_hcms/api', want: undefined },
  { name: 'SPEC R11: `:id` is literal, not a parameter', method: 'GET', path: '/_hcms/api/users/42', want: undefined },
  { name: 'SPEC R11: `:id` matches itself', method: 'GET', path: '/_hcms/api/users/:id', want: 'user' },
  { name: 'SPEC R11: `*` is literal, not a wildcard', method: 'GET', path: '/_hcms/api/files/x.txt', want: undefined },
  { name: 'SPEC R11: `*` matches itself', method: 'GET', path: '/_hcms/api/files/*', want: 'star' },
  { name: 'SPEC R11: `{x}` is reached percent-encoded', method: 'GET', path: '/_hcms/api/%7Bx%7D', want: 'brace' },
  { name: 'SPEC R11: `{x}` is reached as typed', method: 'GET', path: '/_hcms/api/{x}', want: 'brace' },
  { name: 'SPEC R11: a path with a space is reached by its encoded URL', method: 'GET', path: '/_hcms/api/a%20b', want: 'space' },
  { name: 'SPEC R11: a non-ASCII path is reached by its UTF-8 encoded URL', method: 'GET', path: '/_hcms/api/caf%C3%A9', want: 'cafe' },
  { name: 'SPEC R11: an encoded path with a trailing slash matches', method: 'GET', path: '/_hcms/api/caf%C3%A9/', want: 'cafe' },
  { name: 'SPEC R11: %2F is never a separator', method: 'GET', path: '/_hcms/api/a%2Fb', want: undefined },
  { name: 'SPEC R11: an escaped letter is not decoded', method: 'GET', path: '/_hcms/api/%65vents', want: undefined },
  { name: 'SPEC R11: escapes compare without regard to hex case', method: 'GET', path: '/_hcms/api/caf%c3%a9', want: 'cafe' },
  { name: 'SPEC R11: a config path holding an escape is reached as written', method: 'GET', path: '/_hcms/api/odd%20name', want: 'escaped' },
  { name: 'SPEC R11: a config path holding an escape is not reached by decoding %25', method: 'GET', path: '/_hcms/api/odd%2520name', want: undefined },
  { name: 'SPEC R11: a stray % (not an escape) is matched as sent', method: 'GET', path: '/_hcms/api/50%off', want: 'percent' },
  { name: 'SPEC R11: an encoded % is not decoded', method: 'GET', path: '/_hcms/api/50%25off', want: undefined },
  { name: 'SPEC R13: HEAD on a GET endpoint finds the GET function', method: 'HEAD', path: '/_hcms/api/events', want: 'events' },
  { name: 'SPEC R13: HEAD on a POST-only endpoint finds nothing', method: 'HEAD', path: '/_hcms/api/events/update', want: undefined },
  { name: 'SPEC R13: an unconfigured method finds nothing', method: 'PUT', path: '/_hcms/api/events', want: undefined },
  { name: 'SPEC R13: OPTIONS never runs a function', method: 'OPTIONS', path: '/_hcms/api/events', want: undefined },
];

for (const t of matchCases) {
  test(t.name, () => assert.equal(table.match(t.method, t.path)?.id, t.want));
}

const allowCases: Array<{ name: string; path: string; want: string | undefined }> = [
  { name: 'SPEC R13: Allow for GET lists GET, HEAD, OPTIONS', path: '/_hcms/api/events', want: 'GET, HEAD, OPTIONS' },
  { name: 'SPEC R13: Allow without GET has no HEAD and follows the fixed order', path: '/_hcms/api/events/update', want: 'POST, DELETE, OPTIONS' },
  { name: 'SPEC R13: Allow orders GET, POST, PUT, PATCH, DELETE whatever the config order', path: '/_hcms/api/all', want: 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS' },
  { name: 'SPEC R12: a path no function serves has no match', path: '/elsewhere', want: undefined },
];

for (const t of allowCases) {
  test(t.name, () => assert.equal(table.matchPath(t.path)?.allow, t.want));
}

test('SPEC R13: matchPath lists configured methods only, in Allow order', () => {
  assert.deepEqual([...table.matchPath('/_hcms/api/all')!.definitions.keys()], ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
});

test('SPEC R3: private functions are never routed', () => {
  const privateOnly = createRouteTable([definition('private', null, [])]);
  assert.equal(privateOnly.matchPath('/'), undefined);
  assert.equal(privateOnly.matchPath('null'), undefined);
});

test('SPEC R9, R11: two functions on one path each serve their own methods', () => {
  const shared = createRouteTable([definition('reader', '/x', ['GET']), definition('writer', '/x', ['POST'])]);
  assert.equal(shared.match('GET', '/x')?.id, 'reader');
  assert.equal(shared.match('POST', '/x')?.id, 'writer');
  assert.equal(shared.matchPath('/x')?.allow, 'GET, POST, HEAD, OPTIONS');
});

test('SPEC R10, R11: definitions from real folders route under their prefixes, root prefix included', () => {
  const fixtures = path.resolve(__dirname, '../fixtures/config');
  const { definitions } = loadDefinitions(['dm-basic.functions', 'projects-basic'], {
    prefix: { designManager: '', projects: '/hs/serverless' }, duplicateRoutes: 'error', cwd: fixtures,
  });
  const routes = createRouteTable(definitions);
  assert.equal(routes.match('POST', '/multi/')?.name, '/multi/');
  assert.equal(routes.match('GET', '/hs/serverless/fetch-quote')?.name, 'quote');
  assert.equal(routes.matchPath('/events/update')?.allow, 'POST, OPTIONS');
});

test('SPEC R11: two spellings of one URL are one route', () => {
  const shared = createRouteTable([definition('typed', '/_hcms/api/a b', ['GET']), definition('encoded', '/_hcms/api/a%20b', ['POST'])]);
  assert.equal(shared.matchPath('/_hcms/api/a%20b')?.allow, 'GET, POST, HEAD, OPTIONS');
});
