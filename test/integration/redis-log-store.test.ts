// The Redis log store against a real redis-server (issue #15): entries appended, read and followed;
// the stream capped; two hosts on one Redis, the second's dashboard showing the first's records
// (redacted, SPEC R33) and the warnings raised after them; and an outage that costs only the
// shared copy, reported once. Skipped (with the install command) where redis-server is missing,
// except under CI=true, where that fails.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createFunctionsHost, createRequestListener, type FunctionsHost, type FunctionsWarning, type LogRecord, type RequestListener } from '../../src/index';
import type { LogStore, LogStoreEntry } from '../../src/logs/log-store';
import { createRedisLogStore } from '../../src/redis';
import { fixture } from '../helpers/frameworks';
import { eventually } from '../helpers/eventually';
import { redisSkipReason, startRedis, type RunningRedis } from '../helpers/redis-server';

const skip = redisSkipReason();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


function record(id: string, createdAt = Date.now()): LogRecord {
  return { id, status: 'SUCCESS', createdAt, executionTime: 1, memory: '3/128 MB', log: '', endpoint: 'hello', method: 'GET', statusCode: 200, instance: 'test' };
}
const ids = (entries: LogStoreEntry[]): string[] => entries.map((e) => (e.type === 'record' ? e.record.id : `warning:${e.id}`));

describe('Redis log store', { skip }, () => {
  let redis: RunningRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  test('issue #15: append, read oldest first, follow from the cursor; the stream keeps maxLen entries', async () => {
    const store = createRedisLogStore({ url: redis.url, stream: 'basics', maxLen: 5 });
    const other = createRedisLogStore({ url: redis.url, stream: 'basics' });
    try {
      assert.deepEqual(await store.read(), { entries: [], cursor: '0-0' });
      await store.append(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => ({ type: 'record', record: record(id) })));
      await store.append([{ type: 'warning', id: 'g', instance: 'test', warning: { code: 'HSF_WARN_LATE_EVENT', message: 'late', at: 1 } }]);
      const read = await other.read();
      assert.deepEqual(ids(read.entries), ['d', 'e', 'f', 'g', 'warning:g']);
      assert.deepEqual(ids((await other.read({ count: 2 })).entries), ['g', 'warning:g']);
      const seen: LogStoreEntry[] = [];
      const follower = other.follow(read.cursor, (entries) => seen.push(...entries));
      try {
        await store.append([{ type: 'record', record: record('h') }]);
        await eventually(() => (seen.length > 0 ? true : undefined), 'the follower seeing h');
        assert.deepEqual(ids(seen), ['h']);
      } finally {
        follower.stop();
      }
      // sinceMs filters on the entry's own time (the warning was raised at 1970 + 1 ms); the
      // stream now holds f, g, the warning, h and old.
      await store.append([{ type: 'record', record: record('old', Date.now() - 3_600_000) }]);
      assert.deepEqual(ids((await other.read({ sinceMs: Date.now() - 60_000 })).entries), ['f', 'g', 'h']);
    } finally {
      await store.close?.();
      await other.close?.();
    }
  });

  test('issue #15: createRedisLogStore refuses bad options with a TypeError naming them', () => {
    assert.throws(() => createRedisLogStore({}), /option "url"/);
    assert.throws(() => createRedisLogStore({ url: redis.url, maxLen: 0 }), /option "maxLen"/);
    assert.throws(() => createRedisLogStore({ url: redis.url, stream: '' }), /option "stream"/);
  });

  test('issue #10 item 3, issue #15: records from another instance go through the same bounded event streams: a client that stops reading is dropped', async () => {
    const bound = 64 * 1024;
    const storeA = createRedisLogStore({ url: redis.url, stream: 'bounded' });
    const storeB = createRedisLogStore({ url: redis.url, stream: 'bounded' });
    const a = createFunctionsHost(fixture('dashboard.functions'), { isolation: 'inline', instance: 'a', logStore: storeA, onLog: false, onWarning: () => undefined });
    const b = createRequestListener(fixture('dashboard.functions'), { isolation: 'inline', instance: 'b', logStore: storeB, onLog: false, onWarning: () => undefined, dashboard: { maxStreamBufferBytes: bound } });
    const server: Server = createServer(b);
    const sockets: Socket[] = [];
    server.on('connection', (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = connect(port, '127.0.0.1');
    const connected = new Promise<void>((done) => client.once('connect', () => done()));
    client.pause();
    try {
      await Promise.all([a.ready, b.host.ready, connected]);
      client.write(`GET /__dashboard/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      const stuck = await eventually(() => sockets.find((s) => s.remotePort === client.localPort), 'the stream\'s server socket');
      let closed = false;
      stuck.once('close', () => (closed = true));
      let pushed = 0;
      let maxBuffered = 0;
      // Only host A runs functions: every record reaches B's streams through Redis.
      while (!closed && pushed < 4000) {
        await Promise.all(Array.from({ length: 20 }, () => a.invoke('/_hcms/api/chatty')));
        pushed += 20;
        await sleep(5);
        maxBuffered = Math.max(maxBuffered, stuck.writableLength);
      }
      await eventually(() => (closed ? true : undefined), `the stuck client dropped (after ${pushed} records, ${maxBuffered} bytes buffered)`, 5_000);
      assert.ok(maxBuffered <= bound + 8 * 1024, `buffered ${maxBuffered} bytes after ${pushed} records`);
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await a.close();
      await b.close();
      await storeA.close?.();
      await storeB.close?.();
    }
  });

  describe('two hosts on one Redis', () => {
    let storeA: LogStore;
    let storeB: LogStore;
    let a: FunctionsHost;
    let b: RequestListener;
    const recordsA: LogRecord[] = [];
    const warningsA: FunctionsWarning[] = [];
    before(async () => {
      storeA = createRedisLogStore({ url: redis.url, stream: 'hosts' });
      storeB = createRedisLogStore({ url: redis.url, stream: 'hosts' });
      a = createFunctionsHost(fixture('operations.functions'), {
        isolation: 'inline', instance: 'a', logStore: storeA, onLog: (r) => recordsA.push(r), onWarning: (w) => warningsA.push(w),
      });
      b = createRequestListener(fixture('operations.functions'), { isolation: 'inline', instance: 'b', logStore: storeB, onLog: false, onWarning: () => undefined, dashboard: {} });
      await Promise.all([a.ready, b.host.ready]);
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await storeA?.close?.();
      await storeB?.close?.();
    });

    const recordOnB = (id: string) => async (): Promise<LogRecord | undefined> => {
      const res = await request(b).get('/__dashboard/api/records').expect(200);
      return (res.body.records as LogRecord[]).find((r) => r.id === id);
    };

    test('issue #15, SPEC R33: a record of one host reaches the other\'s dashboard, with its instance, redacted before it left', async () => {
      const result = await a.invoke('/_hcms/api/secret');
      assert.equal(result.record.instance, 'a');
      const shown = await eventually(recordOnB(result.record.id), 'the record on the other host');
      assert.equal(shown.instance, 'a');
      assert.match(shown.log, /the key is \[REDACTED:OPS_KEY\]/);
      // What is in Redis itself: never the secret.
      const raw = new Redis(redis.url);
      try {
        const entries = await raw.xrange('hosts', '-', '+');
        assert.ok(entries.length > 0);
        assert.ok(!JSON.stringify(entries).includes('ops-secret-value-42'));
      } finally {
        raw.disconnect();
      }
      // The instance filter of the API narrows to it.
      const onlyB = await request(b).get('/__dashboard/api/records?instance=b').expect(200);
      assert.ok(!(onlyB.body.records as LogRecord[]).some((r) => r.id === result.record.id));
    });

    test('issue #15, SPEC R47: a second sendResponse after the record went out is added to it on every dashboard', async () => {
      const result = await a.invoke('/_hcms/api/late-twice');
      const shown = await eventually(async () => {
        const r = await recordOnB(result.record.id)();
        return r?.warnings?.length ? r : undefined;
      }, 'the late warning on the other host');
      assert.equal(shown.warnings![0]!.code, 'HSF_WARN_LATE_EVENT');
      assert.match(shown.warnings![0]!.message, /sendResponse was called after the response was sent/);
    });

    test('issue #15: Redis down: records still reach the local sink, one warning for the outage, one at its end; then shared again', async () => {
      const port = redis.port;
      await redis.kill();
      const before = recordsA.length;
      try {
        for (let i = 0; i < 3; i++) assert.equal((await a.invoke('/_hcms/api/hello')).statusCode, 200);
        assert.equal(recordsA.length, before + 3, 'every record reached the local sink');
        await eventually(() => (warningsA.some((w) => w.code === 'HSF_WARN_LOG_STORE_DOWN') ? true : undefined), 'the outage warning');
        for (let i = 0; i < 3; i++) await a.invoke('/_hcms/api/hello');
        await sleep(1_200);
        assert.equal(warningsA.filter((w) => w.code === 'HSF_WARN_LOG_STORE_DOWN').length, 1, 'one warning per outage');
      } finally {
        redis = await startRedis({ port });
      }
      const after = await a.invoke('/_hcms/api/hello');
      await eventually(() => (warningsA.some((w) => w.code === 'HSF_WARN_LOG_STORE_RECOVERED') ? true : undefined), 'the recovery message', 15_000);
      await eventually(recordOnB(after.record.id), 'a record after the outage on the other host', 15_000);
    });
  });
});
