// Editing a .env for `secrets add/delete` (issue #11): one entry changes, the rest stays byte for
// byte, and every value reads back exactly through dotenv.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { deleteDotEnvEntry, quoteDotEnvValue, setDotEnvEntry } from '../../src/cli/dotenv-file';

const values = ['plain', 'with space', 'hash # inside', "it's", 'say "hi"', 'multi\nline', 'back\\slash', '=leading', ''];
for (const value of values) {
  test(`issue #11: ${JSON.stringify(value)} is written so that dotenv reads it back`, () => {
    const text = setDotEnvEntry('', 'KEY', value);
    assert.equal(parse(text).KEY, value);
  });
}

test('issue #11: a value mixing every quote kind cannot be written, and says so', () => {
  assert.equal(quoteDotEnvValue('KEY', 'a\'b"c`d\ne'), null);
  assert.throws(() => setDotEnvEntry('', 'KEY', 'a\'b"c`d\ne'), /cannot be written to a \.env file/);
});

const before = '# comment\nA=1\nKEY="old\nmultiline"\n\nexport B=two # note\nKEY=dup\nC: 3';
test('issue #11: set replaces the first entry (a multi-line one too), drops later ones, keeps every other line', () => {
  assert.equal(setDotEnvEntry(before, 'KEY', 'new'), '# comment\nA=1\nKEY=new\n\nexport B=two # note\nC: 3');
  assert.equal(setDotEnvEntry('A=1', 'KEY', 'v'), 'A=1\nKEY=v\n', 'appended, after a line break');
});

test('issue #11: delete removes every entry of the name and nothing else', () => {
  assert.deepEqual(deleteDotEnvEntry(before, 'KEY'), { text: '# comment\nA=1\n\nexport B=two # note\nC: 3', removed: true });
  assert.deepEqual(deleteDotEnvEntry('A=1\n', 'KEY'), { text: 'A=1\n', removed: false });
  assert.deepEqual(parse(deleteDotEnvEntry(before, 'KEY').text), { A: '1', B: 'two', C: '3' });
});
