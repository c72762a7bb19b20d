// Every relative link and every #anchor in README.md and docs/*.md resolves (issue #16): the file
// exists, and the anchor is a heading of that file (GitHub's own slugs, github-slugger) or an
// explicit <a id>. External links (http:, https:, mailto:) are not followed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { before, test } from 'node:test';

// github-slugger is an ES module only; this file is compiled as CommonJS.
let Slugger: typeof import('github-slugger', { with: { 'resolution-mode': 'import' } }).default;
before(async () => {
  Slugger = (await import('github-slugger')).default;
});

const root = join(__dirname, '..', '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks (links in code samples are not links). */
function prose(markdown: string): string {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  }).join('\n');
}

/** The anchors a page offers: GitHub's heading slugs (duplicates numbered) and <a id="...">. */
function anchorsOf(file: string): Set<string> {
  const text = prose(readFileSync(file, 'utf8'));
  const slugger = new Slugger();
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    // GitHub slugs the heading's text: inline HTML and code marks dropped, link text kept.
    const heading = m[1]!.replace(/<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    anchors.add(slugger.slug(heading));
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/** Every Markdown link target of a page: `[text](target)`, reference definitions included. */
function linksOf(file: string): string[] {
  const text = prose(readFileSync(file, 'utf8')).replace(/`[^`\n]*`/g, '');
  const links = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  for (const m of text.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)) links.push(m[1]!);
  return links;
}

test('issue #16: README and docs exist, and link each other', () => {
  assert.ok(pages.length > 5, `docs/ holds the topic pages: ${pages.join(', ')}`);
});

for (const page of pages) {
  test(`issue #16: every relative link and #anchor in ${page} resolves`, () => {
    const from = join(root, page);
    const broken: string[] = [];
    for (const link of linksOf(from)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      const [target, anchor] = link.split('#', 2) as [string, string | undefined];
      const file = target === '' ? from : resolve(dirname(from), decodeURIComponent(target));
      if (!existsSync(file)) {
        broken.push(`${link}: no file ${relative(root, file)}`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (statSync(file).isDirectory() || !file.endsWith('.md')) {
        broken.push(`${link}: an anchor into ${relative(root, file)}, which is not a Markdown page`);
      } else if (!anchorsOf(file).has(decodeURIComponent(anchor))) {
        broken.push(`${link}: ${relative(root, file)} has no anchor #${anchor}`);
      }
    }
    assert.deepEqual(broken, []);
  });
}
