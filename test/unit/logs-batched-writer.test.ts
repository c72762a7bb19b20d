// The batched writer behind the default log sink and serve's printer (issue #12): one write per
// event-loop turn, and nothing lost when the process ends in that turn.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createBatchedWriter } from '../../src/logs/batched-writer';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('text of one turn leaves in one write, in order; flush() writes at once', async () => {
  const stream = new PassThrough();
  const writes: string[] = [];
  stream.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
  const out = createBatchedWriter(stream);
  out.write('a\n');
  out.write('b\n');
  await turn();
  await turn();
  out.write('c\n');
  out.flush();
  await turn();
  assert.deepStrictEqual(writes, ['a\nb\n', 'c\n']);
});

for (const ending of ['an unhandled rejection', 'process.exit()']) {
  test(`SPEC R62: pending lines are written when ${ending} ends the process in the same turn`, () => {
    const module = join(__dirname, '..', '..', 'src', 'logs', 'batched-writer.ts');
    const end = ending === 'process.exit()' ? 'process.exit(3)' : "Promise.reject(new Error('boom'))";
    const script = `
      const out = require(${JSON.stringify(module)}).createBatchedWriter(process.stdout);
      out.write('record one\\n');
      out.write('record two\\n');
      ${end};`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(run.status, 0);
    assert.equal(run.stdout, 'record one\nrecord two\n');
  });
}
