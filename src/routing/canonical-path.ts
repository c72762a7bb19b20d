// Paths as HTTP carries them (SPEC R11, revised in issue #10). A configured path is literal
// characters (`"café"`, `"a b"`, `"{x}"`); a request path is what the client sent, percent-encoded
// (`req.url`, Express `req.path`, Koa `ctx.path`). Decoding the request before matching would let
// `/_hcms/api/%61dmin` or `admin%2Freport` reach a function behind a guard the host mounted on
// `/_hcms/api/admin` (the framework never decodes, so its guard never sees them). So the table
// holds each configured path in its canonical percent-encoding, and a request is compared as sent.
//
// The canonical form follows the WHATWG URL standard's path percent-encode set, which is what a
// browser sends for a path typed into `fetch()` or a link:
//   path percent-encode set = C0 controls, space, `"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}`,
//   and every code point above U+007E (DEL and non-ASCII, as UTF-8 bytes)
// A `%` is never encoded: one that starts an escape (`%XX`) is kept, as the URL parser keeps it,
// and so is a stray one (the parser leaves it too). Hex digits are upper-case (RFC 3986 §6.2.2.1), and a request's
// escapes are upper-cased too before the lookup: that changes no character, so it decodes nothing.

const HEX = '0123456789ABCDEF';

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** Whether the code unit is in the path percent-encode set (ASCII part). */
function mustEncode(code: number): boolean {
  return code <= 0x20 || code === 0x22 || code === 0x23 || code === 0x3c || code === 0x3e ||
    code === 0x3f || code === 0x60 || code === 0x7b || code === 0x7d || code >= 0x7f;
}

/**
 * The canonical percent-encoding of a literal path (SPEC R11): `café` → `caf%C3%A9`, `a b` →
 * `a%20b`, `odd%20name` and `50%off` stay as written. Slashes stay separators.
 * @example canonicalPath('/_hcms/api/a b') // '/_hcms/api/a%20b'
 */
export function canonicalPath(literal: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < literal.length; i++) {
    const code = literal.charCodeAt(i);
    if (code === 0x25 /* % */) {
      if (isHex(literal.charCodeAt(i + 1)) && isHex(literal.charCodeAt(i + 2))) {
        out += literal.slice(start, i) + '%' + literal[i + 1].toUpperCase() + literal[i + 2].toUpperCase();
        i += 2;
        start = i + 1;
      }
      // A stray `%` stays as typed: the URL parser (and so a browser) sends it that way.
    } else if (mustEncode(code)) {
      // One code point (a surrogate pair is one), as UTF-8 bytes.
      const point = literal.codePointAt(i)!;
      const width = point > 0xffff ? 2 : 1;
      out += literal.slice(start, i);
      for (const byte of Buffer.from(literal.slice(i, i + width), 'utf8')) out += '%' + HEX[byte >> 4] + HEX[byte & 15];
      i += width - 1;
      start = i + 1;
    }
  }
  return start === 0 ? literal : out + literal.slice(start);
}

/**
 * A request path as sent, with the hex digits of its escapes upper-cased (`%c3%a9` → `%C3%A9`) so
 * it compares equal to canonicalPath(); nothing is decoded. Linear in the path's length.
 */
export function normalizeEscapes(path: string): string {
  let i = path.indexOf('%');
  if (i === -1) return path;
  let out = '';
  let start = 0;
  for (; i !== -1; i = path.indexOf('%', i + 1)) {
    const a = path.charCodeAt(i + 1);
    const b = path.charCodeAt(i + 2);
    if (isHex(a) && isHex(b) && (a >= 97 || b >= 97)) {
      out += path.slice(start, i + 1) + path.slice(i + 1, i + 3).toUpperCase();
      start = i + 3;
    }
  }
  return start === 0 ? path : out + path.slice(start);
}
