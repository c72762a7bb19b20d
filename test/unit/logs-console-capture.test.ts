import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retainConsoleCapture, runWithCapture } from '../../src/logs/console-capture';
import { LogBuffer } from '../../src/logs/log-buffer';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const messages = (buffer: LogBuffer) => buffer.text().split('\n').filter(Boolean).map((line) => line.split('\t').slice(1).join('\t'));

test('SPEC R61: log, info and debug are INFO; warn is WARN; error is ERROR; args formatted as console does', () => {
  const release = retainConsoleCapture();
  try {
    const buffer = new LogBuffer();
    runWithCapture(buffer, () => {
      console.log('a %s b %d', 'x', 42, { k: 1 });
      console.info('info');
      console.debug('debug');
      console.warn('warn');
      console.error(new Error('failed').message);
    });
    assert.deepStrictEqual(messages(buffer), ['INFO\ta x b 42 { k: 1 }', 'INFO\tinfo', 'INFO\tdebug', 'WARN\twarn', 'ERROR\tfailed']);
  } finally {
    release();
  }
});

test('SPEC R61: console.trace is captured with its stack', () => {
  const release = retainConsoleCapture();
  try {
    const buffer = new LogBuffer();
    runWithCapture(buffer, () => console.trace('where'));
    const text = buffer.text();
    assert.ok(text.includes('\tINFO\tTrace: where\n'), text);
    assert.ok(text.includes('logs-console-capture.test'), text);
  } finally {
    release();
  }
});

test('SPEC R44 R61: 200 concurrent scopes each get exactly their own lines', async () => {
  const release = retainConsoleCapture();
  try {
    const buffers = Array.from({ length: 200 }, () => new LogBuffer());
    await Promise.all(buffers.map((buffer, i) => runWithCapture(buffer, async () => {
      console.log('start', i);
      await tick();
      setTimeout(() => console.warn('timer', i), i % 5);
      await new Promise((resolve) => setTimeout(resolve, 10));
      console.error('end', i);
    })));
    buffers.forEach((buffer, i) => {
      assert.deepStrictEqual(messages(buffer), [`INFO\tstart ${i}`, `WARN\ttimer ${i}`, `ERROR\tend ${i}`]);
    });
  } finally {
    release();
  }
});

test('SPEC R44: outside a capture scope, console calls pass through to the original methods', () => {
  const original = console.log;
  const seen: unknown[][] = [];
  console.log = (...args: unknown[]) => { seen.push(args); };
  const spy = console.log;
  try {
    const release = retainConsoleCapture();
    const buffer = new LogBuffer();
    console.log('host', 1);
    runWithCapture(buffer, () => console.log('function'));
    release();
    assert.deepStrictEqual(seen, [['host', 1]]);
    assert.equal(messages(buffer).length, 1);
    assert.equal(console.log, spy, 'the last release restores the original method');
  } finally {
    console.log = original;
  }
});

test('SPEC R44: capture is reference-counted', () => {
  const original = console.warn;
  const first = retainConsoleCapture();
  const second = retainConsoleCapture();
  first();
  assert.notEqual(console.warn, original);
  const buffer = new LogBuffer();
  runWithCapture(buffer, () => console.warn('still captured'));
  assert.deepStrictEqual(messages(buffer), ['WARN\tstill captured']);
  second();
  assert.equal(console.warn, original);
});
