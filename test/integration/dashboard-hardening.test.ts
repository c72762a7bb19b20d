// What a hostile review of the dashboard found (issue #10, items 1-5), through Express 5, Koa 3
// and the core on bare node:http, with functions in inline and worker isolation: malformed
// requests answered as JSON errors (SPEC R48), DNS rebinding and cross-site requests refused,
// event streams bounded, no super-linear work on a path, and the token.
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import express5 from 'express5';
import Koa3 from 'koa3';
import koaMount from 'koa-mount';
import request from 'supertest';
import { hubspotFunctions as expressFunctions } from '../../adapters/express';
import { hubspotFunctions as koaFunctions } from '../../adapters/koa';
import { createRequestListener, type AllOptions } from '../../src/index';
import { fixture, frameworks, listen, quiet, type MountedApp } from '../helpers/frameworks';

const chosen = frameworks.filter((f) => f.name === 'express5' || f.name === 'koa3' || f.name === 'node:http');
const dashboardFixture = fixture('dashboard.functions');

interface ErrorAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { code?: string; requestId?: string };
}

/** A request-time error as SPEC R48 has it: JSON `{ code, message, requestId }` and x-request-id. */
function assertJsonError(res: ErrorAnswer, status: number, code: string): void {
  assert.equal(res.status, status);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(res.body.code, code);
  assert.equal(typeof res.body.requestId, 'string');
  assert.equal(res.headers['x-request-id'], res.body.requestId);
}

/** Opens an event stream and resolves once its first event arrived (or with the refusal). */
function openStream(server: Server, path: string, headers: Record<string, string> = {}): Promise<{ status: number; res: IncomingMessage; body: string; close(): void }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      const done = (): void => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, res, body, close: () => req.destroy() });
      };
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
        if (res.statusCode === 200 && body.includes('\n\n')) done();
      });
      res.on('end', done);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer from ${path} within 10 s`));
    }, 10_000);
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

/** The status of a GET sent as raw bytes, read to the end of the response (bounded). */
function rawStatus(server: Server, path: string): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer for ${path.slice(-30)} within 5 s`));
    }, 5_000);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(Number(text.slice('HTTP/1.1 '.length, 'HTTP/1.1 '.length + 3)));
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

/**
 * Opens an event stream from a raw client that never reads a byte of it, then invokes the chatty
 * function (about 4.4 KB a record) until the server drops that client, at most `limit` times.
 * The kernel's socket buffers take a few MB before Node buffers any.
 */
async function pushUntilDropped(m: MountedApp, server: Server, limit: number): Promise<{ pushed: number; maxBuffered: number }> {
  const serverSockets: Socket[] = [];
  server.on('connection', (socket) => serverSockets.push(socket));
  const { port } = server.address() as AddressInfo;
  const client = connect(port, '127.0.0.1');
  client.pause();
  try {
    await new Promise<void>((done) => client.once('connect', () => done()));
    client.write(`GET /__dashboard/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    await eventually(() => serverSockets.some((s) => s.remotePort === client.localPort));
    const stuck = serverSockets.find((s) => s.remotePort === client.localPort)!;
    let closed = false;
    stuck.once('close', () => (closed = true));
    let maxBuffered = 0;
    let pushed = 0;
    while (!closed && pushed < limit) {
      await Promise.all(Array.from({ length: 20 }, () => m.host.invoke('/_hcms/api/chatty')));
      pushed += 20;
      maxBuffered = Math.max(maxBuffered, stuck.writableLength);
      await new Promise((done) => setImmediate(done));
    }
    assert.ok(closed, `the client was dropped (after ${pushed} records, ${maxBuffered} bytes buffered)`);
    return { pushed, maxBuffered };
  } finally {
    client.destroy();
  }
}

/** Waits for `check` to hold, polling every 20 ms, at most `attempts` times. */
async function eventually(check: () => Promise<boolean> | boolean, attempts = 250): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 20));
  }
  assert.fail(`condition not met after ${attempts} attempts`);
}

for (const framework of chosen) {
  describe(`issue #10: the dashboard on ${framework.name}`, () => {
    const mounted: MountedApp[] = [];
    const servers: Server[] = [];
    const mount = (options: AllOptions, source = fixture('basic.functions')): MountedApp => {
      const m = framework.mount(source, quiet(options).options);
      mounted.push(m);
      return m;
    };
    const serve = async (m: MountedApp): Promise<Server> => {
      const server = await listen(m.app);
      servers.push(server);
      return server;
    };
    after(async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
      for (const m of mounted) await m.close();
    });

    test('issue #10 item 1, SPEC R48: a malformed escape in a dashboard path is a JSON 404 with the request id, never an HTML page or a crash', async () => {
      const m = mount({ dashboard: {} });
      for (const path of ['/__dashboard/api/records/%E0', '/__dashboard/api/records/%', '/__dashboard/api/records/%E0%A4%A']) {
        // Bounded: before issue #10 a bare listener rejected and never answered.
        const res = await request(m.app).get(path).timeout(5_000);
        assertJsonError(res, 404, 'HSF_NOT_FOUND');
      }
    });

    test('issue #10 item 1, SPEC R48: the dashboard\'s own 404 and 405 carry a request id and x-request-id', async () => {
      const m = mount({ dashboard: {} });
      assertJsonError(await request(m.app).get('/__dashboard/nope'), 404, 'HSF_NOT_FOUND');
      const post = await request(m.app).post('/__dashboard/api/routes');
      assertJsonError(post, 405, 'HSF_METHOD_NOT_ALLOWED');
      assert.equal(post.headers.allow, 'GET, HEAD');
    });

    test('issue #10 item 2: a Host that is not loopback is refused (403) on the page, the API and the event stream', async () => {
      const m = mount({ dashboard: {} });
      for (const host of ['evil.example', 'evil.example:3000', '127.0.0.1.evil.example', 'localhost.evil.example', '[::2]:3000', '10.0.0.1']) {
        for (const path of ['/__dashboard', '/__dashboard/api/records', '/__dashboard/events']) {
          assertJsonError(await request(m.app).get(path).set('Host', host), 403, 'HSF_DASHBOARD_FORBIDDEN');
        }
      }
      for (const host of ['localhost', 'localhost:3000', 'LocalHost:3000', 'app.localhost:3000', '127.0.0.1', '127.9.8.7:80', '[::1]:3000']) {
        await request(m.app).get('/__dashboard/api/routes').set('Host', host).expect(200);
      }
    });

    test('issue #10 item 2: dashboard.allowedHosts adds names (a leading dot: the domain and its subdomains)', async () => {
      const m = mount({ dashboard: { allowedHosts: ['dash.example.com', '.corp.example'] } });
      for (const host of ['dash.example.com', 'DASH.example.com:8443', 'corp.example', 'a.b.corp.example:3000', 'localhost:3000']) {
        await request(m.app).get('/__dashboard/api/routes').set('Host', host).expect(200);
      }
      for (const host of ['example.com', 'xdash.example.com', 'evilcorp.example']) {
        assertJsonError(await request(m.app).get('/__dashboard/api/routes').set('Host', host), 403, 'HSF_DASHBOARD_FORBIDDEN');
      }
    });

    test('issue #10 item 2: a cross-site Origin is refused on the API and the event stream; same-origin and no Origin are served', async () => {
      const m = mount({ dashboard: {} });
      for (const origin of ['http://evil.example', 'http://localhost:4001', 'null']) {
        for (const path of ['/__dashboard/api/records', '/__dashboard/events']) {
          const res = await request(m.app).get(path).set('Host', 'localhost:4000').set('Origin', origin);
          assertJsonError(res, 403, 'HSF_DASHBOARD_FORBIDDEN');
        }
      }
      await request(m.app).get('/__dashboard/api/records').set('Host', 'localhost:4000').set('Origin', 'http://localhost:4000').expect(200);
      await request(m.app).get('/__dashboard/api/records').set('Host', 'localhost:4000').expect(200);
      const server = await serve(m);
      const { port } = server.address() as AddressInfo;
      const stream = await openStream(server, '/__dashboard/events', { Origin: `http://127.0.0.1:${port}` });
      stream.close();
      assert.equal(stream.status, 200);
      assert.match(stream.body, /^retry: 2000\nevent: hello\n/);
    });

    test('issue #10 item 4: a path of 15,000 slashes is answered, and no regular expression runs over it', async () => {
      const m = mount({ dashboard: {} });
      await m.host.ready;
      const long = `/__dashboard${'/'.repeat(15_000)}`;
      const seen: string[] = [];
      const exec = RegExp.prototype.exec;
      // Every regex method (test, replace, match, split) calls exec: count those over the long input.
      RegExp.prototype.exec = function (this: RegExp, input: string) {
        if (typeof input === 'string' && input.length >= 15_000 && input.includes('/'.repeat(15_000))) seen.push(this.source);
        return exec.call(this, input);
      };
      try {
        // A raw request: HTTP clients run their own checks over the path.
        const server = await serve(m);
        for (const [path, status] of [[`${long}x`, 404], [long, 200], [`${long}api/routes`, 404]] as const) {
          assert.equal(await rawStatus(server, path), status, path.slice(-20));
        }
      } finally {
        RegExp.prototype.exec = exec;
      }
      // Express and Koa run their own routers over it; on bare node:http only our code does.
      if (framework.name === 'node:http') assert.deepEqual(seen, []);
    });

    for (const isolation of ['inline', 'worker'] as const) {
      test(`issue #10 item 3 (${isolation}): a client that stops reading is dropped once its buffer passes maxStreamBufferBytes; the buffer stays bounded`, async () => {
        const bound = 64 * 1024;
        const m = mount({ isolation, dashboard: { maxStreamBufferBytes: bound } }, dashboardFixture);
        await m.host.ready;
        const server = await serve(m);
        const { pushed, maxBuffered } = await pushUntilDropped(m, server, 4000);
        // The bound plus the one record whose write passed it.
        assert.ok(maxBuffered <= bound + 8 * 1024, `buffered ${maxBuffered} bytes after ${pushed} records`);
        // The others still stream: a new client gets its hello.
        const again = await openStream(server, '/__dashboard/events');
        again.close();
        assert.equal(again.status, 200);
      });
    }

    test('issue #10 item 3: a first event larger than the bound (the buffered records) does not drop a client that reads', async () => {
      const m = mount({ dashboard: { maxStreamBufferBytes: 16_384 } }, dashboardFixture);
      await m.host.ready;
      for (let i = 0; i < 100; i++) await m.host.invoke('/_hcms/api/chatty');
      const server = await serve(m);
      const stream = await openStream(server, '/__dashboard/events');
      try {
        assert.equal(stream.status, 200);
        assert.ok(stream.body.length > 16_384 * 10, `the hello event holds the records (${stream.body.length} bytes so far)`);
        let text = '';
        stream.res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const { statusCode } = await m.host.invoke('/_hcms/api/chatty');
        assert.equal(statusCode, 200);
        await eventually(() => text.includes('event: record\n'));
      } finally {
        stream.close();
      }
    });

    test('issue #10 item 3: dashboard.maxStreams caps the open event streams; one more gets a JSON 503 with Retry-After', async () => {
      const m = mount({ dashboard: { maxStreams: 2 } });
      const server = await serve(m);
      const first = await openStream(server, '/__dashboard/events');
      const second = await openStream(server, '/__dashboard/events');
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      const third = await openStream(server, '/__dashboard/events');
      const refused = { status: third.status, headers: third.res.headers, body: JSON.parse(third.body) as ErrorAnswer['body'] };
      assertJsonError(refused, 503, 'HSF_OVERLOADED');
      assert.ok(Number(third.res.headers['retry-after']) >= 1);
      // The API is not a stream: it is still served.
      await request(m.app).get('/__dashboard/api/routes').expect(200);
      first.close();
      let reopened: Awaited<ReturnType<typeof openStream>> | undefined;
      await eventually(async () => {
        reopened = await openStream(server, '/__dashboard/events');
        if (reopened.status !== 200) return false;
        return true;
      }, 100);
      reopened?.close();
      second.close();
    });

    test('issue #10 item 5: dashboard.token: 401 without it; a bearer token or the hsf_dashboard cookie opens it', async () => {
      const m = mount({ dashboard: { token: 's3cret-token' } });
      for (const path of ['/__dashboard', '/__dashboard/api/records', '/__dashboard/events']) {
        const res = await request(m.app).get(path);
        assertJsonError(res, 401, 'HSF_DASHBOARD_UNAUTHORIZED');
        assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      }
      assertJsonError(await request(m.app).get('/__dashboard/api/records').set('Authorization', 'Bearer wrong'), 401, 'HSF_DASHBOARD_UNAUTHORIZED');
      assertJsonError(await request(m.app).get('/__dashboard/api/records').set('Authorization', 'Bearer s3cret-tokens'), 401, 'HSF_DASHBOARD_UNAUTHORIZED');
      assertJsonError(await request(m.app).get('/__dashboard/api/records').set('Cookie', 'hsf_dashboard=s3cret'), 401, 'HSF_DASHBOARD_UNAUTHORIZED');
      await request(m.app).get('/__dashboard/api/records').set('Authorization', 'Bearer s3cret-token').expect(200);
      await request(m.app).get('/__dashboard/api/records').set('Authorization', 'bearer s3cret-token').expect(200);
      await request(m.app).get('/__dashboard').set('Cookie', 'other=1; hsf_dashboard=s3cret-token').expect(200);
      // The token in the query opens nothing but the page's cookie redirect.
      assertJsonError(await request(m.app).get('/__dashboard/api/records?token=s3cret-token'), 401, 'HSF_DASHBOARD_UNAUTHORIZED');
      // A host check still comes first: a rebinding page cannot use a stolen cookie.
      assertJsonError(await request(m.app).get('/__dashboard').set('Host', 'evil.example').set('Cookie', 'hsf_dashboard=s3cret-token'), 403, 'HSF_DASHBOARD_FORBIDDEN');
    });

    test('issue #10 item 5: visiting <path>?token= sets the HttpOnly, SameSite=Strict cookie and redirects to the path without the query', async () => {
      const m = mount({ dashboard: { token: 's3cret-token' } });
      const res = await request(m.app).get('/__dashboard?token=s3cret-token').expect(302);
      assert.equal(res.headers.location, '/__dashboard');
      const cookie = String(res.headers['set-cookie']);
      assert.match(cookie, /^hsf_dashboard=s3cret-token;/);
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Strict/);
      assert.match(cookie, /; Path=\/__dashboard(;|$)/);
      const slash = await request(m.app).get('/__dashboard/?token=s3cret-token').expect(302);
      assert.equal(slash.headers.location, '/__dashboard/');
      assertJsonError(await request(m.app).get('/__dashboard?token=wrong'), 401, 'HSF_DASHBOARD_UNAUTHORIZED');
      // The cookie it set opens the event stream, as the page's EventSource sends it.
      const server = await serve(m);
      const stream = await openStream(server, '/__dashboard/events', { Cookie: cookie.split(';')[0]! });
      stream.close();
      assert.equal(stream.status, 200);
    });

    test('issue #10 item 5: dashboard.token and authorize(): both must agree', async () => {
      const m = mount({ dashboard: { token: 't0ken', authorize: () => true } });
      await request(m.app).get('/__dashboard/api/routes').expect(401);
      await request(m.app).get('/__dashboard/api/routes').set('Authorization', 'Bearer t0ken').expect(200);
      const refusing = mount({ dashboard: { path: '/ops', token: 't0ken', authorize: () => false } });
      assertJsonError(await request(refusing.app).get('/ops/api/routes').set('Authorization', 'Bearer t0ken'), 403, 'HSF_DASHBOARD_FORBIDDEN');
    });
  });
}

test('issue #10 item 5: mounted under a path (Express app.use, koa-mount), the redirect and the cookie\'s Path keep the mount prefix', async () => {
  const options = quiet({ dashboard: { token: 'mounted-token' } }).options;
  const expressMw = expressFunctions(fixture('basic.functions'), options);
  const koaMw = koaFunctions(fixture('basic.functions'), options);
  try {
    const app = express5();
    app.use('/ops', expressMw as never);
    const koa = new Koa3();
    koa.use(koaMount('/ops', koaMw as never) as never);
    for (const handler of [app, koa.callback()]) {
      const res = await request(handler).get('/ops/__dashboard?token=mounted-token').expect(302);
      assert.equal(res.headers.location, '/ops/__dashboard');
      assert.match(String(res.headers['set-cookie']), /; Path=\/ops\/__dashboard(;|$)/);
      await request(handler).get('/ops/__dashboard/api/routes').set('Cookie', 'hsf_dashboard=mounted-token').expect(200);
    }
  } finally {
    await expressMw.close();
    await koaMw.close();
  }
});

test('issue #10 item 3: with the default bound (1 MiB) on bare node:http, a client that stops reading is dropped; Node never holds much more for it', async () => {
  const nodeHttp = frameworks.find((f) => f.name === 'node:http')!;
  const m = nodeHttp.mount(dashboardFixture, quiet({ dashboard: {} }).options);
  const server = await listen(m.app);
  try {
    await m.host.ready;
    const { pushed, maxBuffered } = await pushUntilDropped(m, server, 5000);
    assert.ok(maxBuffered <= 1_048_576 + 8 * 1024, `buffered ${maxBuffered} bytes after ${pushed} records`);
  } finally {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await m.close();
  }
});

describe('issue #10 item 1: createRequestListener never rejects, as `serve` runs it (`void listener(req, res)`)', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    test(`SPEC R48 (${isolation}): every answer is JSON with the request id, and every listener promise resolves`, async () => {
      const listener = createRequestListener([fixture('basic.functions')], quiet({ isolation, dashboard: {} }).options);
      const settled: Array<Promise<void>> = [];
      const server = await listen((req, res) => {
        settled.push(Promise.resolve(listener(req, res)));
      });
      try {
        const { port } = server.address() as AddressInfo;
        for (const path of ['/__dashboard/api/records/%E0', '/__dashboard/%ZZ', '/__dashboard/api/records/%', '/_hcms/api/%E0', '/_hcms/api/hello%', '/nope%E0']) {
          const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
          const body = (await res.json()) as ErrorAnswer['body'];
          assert.equal(res.status, 404, path);
          assert.equal(body.code, 'HSF_NOT_FOUND');
          assert.equal(res.headers.get('x-request-id'), body.requestId);
        }
        assert.equal((await fetch(`http://127.0.0.1:${port}/_hcms/api/hello`)).status, 200);
        const results = await Promise.allSettled(settled);
        assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
      } finally {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
        await listener.close();
      }
    });
  }
});
