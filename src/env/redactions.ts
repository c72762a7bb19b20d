// Secret values never reach a log sink or a client (SPEC R33): captured console output, error
// messages and stacks are passed through redact() before anything else sees them.

/** Values shorter than this are not redacted: too likely to appear by chance (SPEC R33). */
const MIN_SECRET_LENGTH = 4;

/**
 * The [NAME, value] pairs to redact for these secret values: values of 4+ characters, longest
 * first so a secret that contains another is replaced whole (SPEC R33).
 */
export function redactionsFor(secretValues: Record<string, string | undefined>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(secretValues)) {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) pairs.push([name, value]);
  }
  return pairs.sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Replaces every secret value in `text` with `[REDACTED:NAME]` (SPEC R33). */
export function redact(text: string, redactions: Array<[string, string]>): string {
  if (redactions.length === 0 || text === '') return text;
  let out = text;
  for (const [name, value] of redactions) {
    // A replacer function, so `$&` and friends in a name are taken literally.
    if (out.includes(value)) out = out.replaceAll(value, () => `[REDACTED:${name}]`);
  }
  return out;
}

/**
 * Redacts every string inside `value` (a log record, an error body): objects and arrays are
 * copied only where something changed, so nothing that carries a secret can be missed by a list
 * of fields (SPEC R33: an error's type is as much the function's text as its message).
 */
export function redactStrings<T>(value: T, redactions: Array<[string, string]>): T {
  if (redactions.length === 0) return value;
  return redactValue(value, redactions) as T;
}

function redactValue(value: unknown, redactions: Array<[string, string]>): unknown {
  if (typeof value === 'string') return redact(value, redactions);
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const next = redactValue(value[i], redactions);
      if (next !== value[i]) (out ??= [...(value as unknown[])])[i] = next;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const current = (value as Record<string, unknown>)[key];
    const next = redactValue(current, redactions);
    if (next !== current) (out ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return out ?? value;
}
