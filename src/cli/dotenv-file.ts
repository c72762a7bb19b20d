// Editing a functions folder's `.env` for `secrets add` and `secrets delete` (issue #11): one
// entry changes, every other line (comments, blank lines, other entries) stays byte for byte.
// A new file is created with mode 0600; an existing one keeps its mode. Writes go through a
// temporary file and a rename, so a reader (a running server re-reading secrets) never sees half.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parse } from 'dotenv';

// One entry, as dotenv itself reads it (its LINE expression): `[export] KEY=value` or `KEY: value`,
// the value bare, or quoted with ', " or ` (quoted values may span lines), then an optional comment.
const ENTRY = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

/** Where each entry of `text` named `name` is: start and end offsets, its line break included. */
function findEntries(text: string, name: string): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  for (const match of text.matchAll(ENTRY)) {
    if (match[1] !== name) continue;
    // The expression may start with the line break before the entry, and its `\s*` may run on
    // into the next lines: the entry is what lies between, plus its own line break.
    const lead = /^\s*/.exec(match[0])![0].length;
    let end = match.index + match[0].trimEnd().length;
    while (text[end] === ' ' || text[end] === '\t') end++;
    if (text.startsWith('\r\n', end)) end += 2;
    else if (text[end] === '\n') end += 1;
    found.push({ start: match.index + lead, end });
  }
  return found;
}

/** `value` as a dotenv value that parses back to exactly `value`, or null when no quoting can hold it. */
export function quoteDotEnvValue(name: string, value: string): string | null {
  const candidates = [/^[\w./:@+,=-]*$/.test(value) ? value : null, `'${value}'`, `"${value}"`, `\`${value}\``];
  for (const candidate of candidates) {
    if (candidate !== null && parse(`${name}=${candidate}\n`)[name] === value) return candidate;
  }
  return null;
}

/** The `.env` text with `name` set to `value` (replacing its entries, else appended). */
export function setDotEnvEntry(text: string, name: string, value: string): string {
  const quoted = quoteDotEnvValue(name, value);
  if (quoted === null) throw new Error(`the value of ${name} cannot be written to a .env file (it mixes every kind of quote)`);
  const line = `${name}=${quoted}\n`;
  const entries = findEntries(text, name);
  if (entries.length === 0) return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}`;
  let out = text;
  // From the last: earlier offsets stay valid. The first entry becomes the new line, the others go.
  for (const [i, entry] of [...entries.entries()].reverse()) {
    out = out.slice(0, entry.start) + (i === 0 ? line : '') + out.slice(entry.end);
  }
  return out;
}

/** The `.env` text without `name`'s entries; `removed` says whether there were any. */
export function deleteDotEnvEntry(text: string, name: string): { text: string; removed: boolean } {
  const entries = findEntries(text, name);
  let out = text;
  for (const entry of [...entries].reverse()) out = out.slice(0, entry.start) + out.slice(entry.end);
  return { text: out, removed: entries.length > 0 };
}

/** Reads a `.env` (empty when there is none). */
export function readDotEnvText(file: string): { text: string; exists: boolean } {
  try {
    return { text: readFileSync(file, 'utf8'), exists: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', exists: false };
    throw error;
  }
}

/** Writes a `.env` atomically: mode 0600 when new, the existing mode otherwise. */
export function writeDotEnvText(file: string, text: string): void {
  const mode = statSync(file, { throwIfNoEntry: false })?.mode ?? 0o600;
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: mode & 0o777 });
    chmodSync(temporary, mode & 0o777);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
