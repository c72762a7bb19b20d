// install's progress (issue #11): a live line redrawn in place on a terminal, plain lines in a log.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io';
import { createInstallProgress } from '../../src/cli/install-progress';

function io(tty: boolean): { io: CliIo; out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  return {
    io: { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: '/', color: false, tty, stopSignal: () => new Promise(() => undefined) },
    out: () => text,
  };
}

test('issue #11: on a terminal, one live line names every running folder with what it installs and its elapsed time', async () => {
  const { io: tty, out } = io(true);
  let clock = 1000;
  const progress = createInstallProgress(tty, 2, () => clock);
  progress.start('a.functions', 'npm install');
  progress.start('b.functions', 'preloaded axios@^0.19.2');
  clock += 2500;
  progress.update('a.functions', 'npm install: added 3 packages');
  progress.done('b.functions', ['ok    b.functions: preloaded axios@^0.19.2 - 2.5s']);
  progress.finish();
  await new Promise((resolve) => setImmediate(resolve));
  const text = out();
  assert.match(text, /\r\u001b\[2K\[0\/2\] a\.functions \(npm install, 0\.0s\); b\.functions \(preloaded axios@\^0\.19\.2, 0\.0s\)/);
  // A finished folder's line is printed for good, then the live line is drawn again below it.
  assert.match(text, /\r\u001b\[2Kok {4}b\.functions: preloaded axios@\^0\.19\.2 - 2\.5s\n\r\u001b\[2K\[1\/2\] a\.functions \(npm install: added 3 packages, 2\.5s\)/);
  assert.ok(text.endsWith('\r\u001b[2K'), 'finish() clears the live line');
});

test('issue #11: in a log, a plain line when a folder starts and one when it ends, no escape codes', async () => {
  const { io: log, out } = io(false);
  const progress = createInstallProgress(log, 1);
  progress.start('a.functions', 'npm install');
  progress.update('a.functions', 'npm: reify');
  progress.done('a.functions', ['ok    a.functions: npm install (added 1 package) - 0.4s']);
  progress.finish();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(out(), 'a.functions: npm install...\nok    a.functions: npm install (added 1 package) - 0.4s\n');
});
