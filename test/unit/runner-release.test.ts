// Runner.release(id): a function removed by a reload lets its calls under way finish, then its
// instance (inline), workers (worker) or child processes (process) end; new calls no longer
// reach it (issue #6 watch, issue #14).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { InstanceSpec, Runner } from '../../src/definitions';
import { instanceSpec } from '../helpers/runner-inputs';
import { createInlineRunner } from '../../src/runner/inline-runner';
import { createProcessRunner } from '../../src/runner/process-runner';
import { createWorkerRunner } from '../../src/runner/worker-runner';

const fixtures = join(__dirname, '..', 'fixtures', 'worker');

const spec = (id: string, file: string): InstanceSpec => instanceSpec(fixtures, id, file);

const makers: Array<[string, () => Runner]> = [
  ['inline', () => createInlineRunner({ closeTimeoutMs: 2000, onEvent: () => undefined })],
  ['worker', () => createWorkerRunner({ memoryLimitMb: 128, concurrencyPerWorker: 1, maxWorkersPerFunction: 2, maxQueuePerFunction: 10, workerIdleMs: 300_000, closeTimeoutMs: 2000, onEvent: () => undefined })],
  ['process', () => createProcessRunner({ memoryLimitMb: 128, concurrencyPerWorker: 1, maxWorkersPerFunction: 2, maxQueuePerFunction: 10, workerIdleMs: 300_000, closeTimeoutMs: 2000, onEvent: () => undefined })],
];

for (const [name, make] of makers) {
  test(`${name}: release lets a call under way finish, then the function is gone`, async () => {
    const runner = make();
    try {
      assert.deepEqual(await runner.prepare(spec('slow', 'wait.js')), { ok: true });
      const data = { kind: 'endpoint' as const, context: { accountId: 1, body: {}, contact: null, headers: {}, params: { ms: ['150'] }, limits: { executionsRemaining: 1, timeRemaining: 1 }, method: 'GET', endpoint: 'slow' } };
      const inFlight = runner.run({ requestId: 'r1', functionId: 'slow', data, timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 20));
      const released = runner.release('slow');
      const result = await inFlight;
      assert.equal(result.outcome.type, 'response', JSON.stringify(result.outcome));
      await released;
      const after = await runner.run({ requestId: 'r2', functionId: 'slow', data, timeoutMs: 5000 });
      assert.equal(after.outcome.type === 'error' ? after.outcome.code : after.outcome.type, 'HSF_FUNCTION_LOAD_FAILED');
      await runner.release('never-prepared');
    } finally {
      await runner.close();
    }
  });
}
