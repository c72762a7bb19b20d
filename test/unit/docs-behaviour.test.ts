// Every behaviour rule the code cites resolves in docs/behaviour.md, and no anchor there is
// defined twice (issue #16): a `SPEC R21` comment means docs/behaviour.md#r21.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const behaviourDoc = join(root, 'docs', 'behaviour.md');

/** One rule number cited in a file, with where the citation is. */
interface Citation {
  rule: number;
  where: string;
}

// A citation is `R` and a number standing alone (`SPEC R21`, `(R40)`, `R7,`), or a range of them
// (`R50–R54`, `R20-R25`, `R20–25`), which cites every rule from the first to the last.
const CITATION = /(?<![\w])R(\d{1,3})(?:\s*[-–—]\s*R?(\d{1,3}))?(?![\w])/g;

/** The rule numbers a text cites, ranges expanded, each with `<label>:<line>`. */
function citedRules(text: string, label: string): Citation[] {
  const out: Citation[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(CITATION)) {
      const first = Number(m[1]);
      const last = m[2] === undefined ? first : Number(m[2]);
      assert.ok(last >= first, `${label}:${i + 1}: the range "${m[0]}" runs backwards`);
      for (let rule = first; rule <= last; rule++) out.push({ rule, where: `${label}:${i + 1}` });
    }
  });
  return out;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The explicit anchors (`<a id="…">`, `<a name="…">`) of a Markdown text, in order, repeats kept. */
function anchorsOf(markdown: string): string[] {
  return [...markdown.matchAll(/<a\s+(?:id|name)=["']([^"']+)["']/g)].map((m) => m[1]!);
}

test('citations: single rules, lists and ranges (hyphen, en dash, with or without the second R)', () => {
  const rules = (text: string): number[] => citedRules(text, 'x').map((c) => c.rule);
  assert.deepEqual(rules('// SPEC R21: HubSpot wraps every value'), [21]);
  assert.deepEqual(rules('// (SPEC R41–R47, R50–R52, R60)'), [41, 42, 43, 44, 45, 46, 47, 50, 51, 52, 60]);
  assert.deepEqual(rules('// SPEC R20-R22 and R7'), [20, 21, 22, 7]);
  assert.deepEqual(rules('R20–22'), [20, 21, 22]);
  assert.deepEqual(rules('HRR21 R21x R2D2 AR1'), [], 'R inside a longer word is no citation');
  assert.deepEqual(citedRules('a\n// R60 here', 'f.ts'), [{ rule: 60, where: 'f.ts:2' }]);
});

test('SPEC Rn: every rule cited in src/ and adapters/ has its anchor in docs/behaviour.md', () => {
  const anchors = new Set(anchorsOf(readFileSync(behaviourDoc, 'utf8')));
  const citations = ['src', 'adapters']
    .flatMap((dir) => filesUnder(join(root, dir)))
    .flatMap((file) => citedRules(readFileSync(file, 'utf8'), relative(root, file)));
  assert.ok(citations.length > 0, 'src/ and adapters/ cite rules');
  const missing = citations.filter((c) => !anchors.has(`r${c.rule}`));
  assert.deepEqual(
    missing.map((c) => `R${c.rule} (${c.where})`),
    [],
    'these citations name a rule with no <a id="rN"> in docs/behaviour.md',
  );
});

test('docs/behaviour.md: no anchor is defined twice, and each rule anchor sits on its own rule', () => {
  const markdown = readFileSync(behaviourDoc, 'utf8');
  const anchors = anchorsOf(markdown);
  const repeated = anchors.filter((id, i) => anchors.indexOf(id) !== i);
  assert.deepEqual([...new Set(repeated)], [], 'anchors defined more than once');
  // `### <a id="r21"></a>R21 · …`: the anchor and the rule it heads carry the same number.
  const ruleAnchors = [...markdown.matchAll(/<a\s+id="r(\d+)"><\/a>\s*(\S*)/g)];
  assert.ok(ruleAnchors.length > 0, 'docs/behaviour.md has rule anchors');
  for (const [, n, heading] of ruleAnchors) {
    assert.match(heading!, new RegExp(`^R${n}$`), `the anchor r${n} heads rule ${heading}`);
  }
});
