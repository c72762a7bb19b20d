import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogBuffer } from '../../src/logs/log-buffer';

const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\t(INFO|WARN|ERROR)\t/;

test('SPEC R61: lines are <ISO time>\\t<LEVEL>\\t<message>, one per push', () => {
  const buffer = new LogBuffer();
  buffer.push('INFO', 'hello');
  buffer.push('WARN', 'careful');
  buffer.push('ERROR', 'multi\nline');
  const text = buffer.text();
  const lines = text.split('\n');
  assert.match(lines[0], LINE);
  assert.ok(lines[0].endsWith('\tINFO\thello'));
  assert.ok(lines[1].endsWith('\tWARN\tcareful'));
  assert.ok(lines[2].endsWith('\tERROR\tmulti'));
  assert.equal(lines[3], 'line');
  assert.ok(text.endsWith('\n'));
});

test('SPEC R61: an empty buffer is empty text', () => {
  assert.equal(new LogBuffer().text(), '');
});

test('SPEC R61: over 4 KB the text is capped at 4096 bytes, keeping the end', () => {
  const buffer = new LogBuffer();
  for (let i = 0; i < 1000; i++) buffer.push('INFO', `line ${i}`);
  const text = buffer.text();
  assert.ok(Buffer.byteLength(text) <= 4096);
  assert.ok(Buffer.byteLength(text) > 4000);
  assert.ok(text.endsWith('\tINFO\tline 999\n'));
  assert.ok(!text.includes('\tline 0\n'));
});

test('SPEC R61: one line bigger than the cap keeps its end', () => {
  const buffer = new LogBuffer();
  buffer.push('INFO', 'start' + 'x'.repeat(10_000) + 'END');
  const text = buffer.text();
  assert.equal(Buffer.byteLength(text), 4096);
  assert.ok(text.endsWith('xEND\n'));
});

test('SPEC R61: the cut never splits a multi-byte character', () => {
  const buffer = new LogBuffer(10);
  buffer.push('INFO', 'ééééééééééé');
  const text = buffer.text();
  assert.ok(Buffer.byteLength(text) <= 10);
  assert.ok(!text.includes('\uFFFD'), text);
  assert.equal(text, 'éééé\n');
});

test('SPEC R61: a custom cap is honoured across many small lines', () => {
  const buffer = new LogBuffer(100);
  for (let i = 0; i < 5000; i++) buffer.push('WARN', String(i));
  const text = buffer.text();
  assert.ok(Buffer.byteLength(text) <= 100);
  assert.ok(text.endsWith('\tWARN\t4999\n'));
});
