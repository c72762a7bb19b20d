import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeError } from '../../src/invoke/serialize-error';

class ValidationError extends Error {}
class NamedError extends Error {
  override name = 'NamedError';
}

const cases: Array<{ name: string; thrown: unknown; type: string; message: string; hasStack: boolean }> = [
  { name: 'an Error', thrown: new Error('boom'), type: 'Error', message: 'boom', hasStack: true },
  { name: 'a TypeError', thrown: new TypeError('bad type'), type: 'TypeError', message: 'bad type', hasStack: true },
  { name: 'a subclass that sets no name (its constructor)', thrown: new ValidationError('invalid'), type: 'ValidationError', message: 'invalid', hasStack: true },
  { name: 'a subclass with its own name', thrown: new NamedError('named'), type: 'NamedError', message: 'named', hasStack: true },
  { name: 'a thrown string (Lambda: typeof)', thrown: 'plain failure', type: 'string', message: 'plain failure', hasStack: false },
  { name: 'a thrown number', thrown: 42, type: 'number', message: '42', hasStack: false },
  { name: 'a thrown plain object', thrown: { code: 7 }, type: 'object', message: '{ code: 7 }', hasStack: false },
  { name: 'a thrown null', thrown: null, type: 'object', message: 'null', hasStack: false },
  { name: 'a thrown undefined', thrown: undefined, type: 'undefined', message: 'undefined', hasStack: false },
  { name: 'an object without a toString', thrown: Object.create(null), type: 'object', message: '[Object: null prototype] {}', hasStack: false },
];

for (const t of cases) {
  test(`SPEC R60: ${t.name} serialises to { type, message, stackTrace }`, () => {
    const serialized = serializeError(t.thrown, []);
    assert.equal(serialized.type, t.type);
    assert.equal(serialized.message, t.message);
    assert.equal(serialized.stackTrace.length > 0, t.hasStack);
  });
}

test('SPEC R60 R7: the cause (a load failure\'s syntax error) is appended to the stack', () => {
  const serialized = serializeError(new Error('load failed', { cause: new SyntaxError('Unexpected end of input') }), []);
  assert.ok(serialized.stackTrace.includes('Caused by: SyntaxError: Unexpected end of input'), serialized.stackTrace.join('\n'));
});
