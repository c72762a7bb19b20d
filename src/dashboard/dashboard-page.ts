// The dashboard's one page: index.html with its stylesheet and script inlined, so it needs no
// asset routes and no external assets (issue #6), guarded by a hash-based Content-Security-Policy.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The page's bytes and the headers it is served with. */
export interface DashboardPage {
  body: Buffer;
  headers: Array<[string, string]>;
}

/** Where the static assets live: next to this module, in src/ and in dist/ alike. */
export const DASHBOARD_ASSETS_DIR = join(__dirname, 'assets');

let cached: DashboardPage | undefined;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Builds the page once from `assets/` and caches it.
 * @throws Error naming the missing file when the assets were not copied next to the build
 */
export function loadDashboardPage(dir: string = DASHBOARD_ASSETS_DIR): DashboardPage {
  if (cached !== undefined && dir === DASHBOARD_ASSETS_DIR) return cached;
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const style = read('dashboard.css');
  const script = read('dashboard.js');
  // Function replacers: `$&` and friends in the assets must stay literal.
  const html = read('index.html').replace('/*STYLE*/', () => style).replace('/*SCRIPT*/', () => script);
  const page: DashboardPage = {
    body: Buffer.from(html, 'utf8'),
    headers: [
      ['Content-Type', 'text/html; charset=utf-8'],
      // Only the inlined script and style run; the page talks to its own origin only.
      ['Content-Security-Policy', `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(style)}; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`],
      ['X-Content-Type-Options', 'nosniff'],
      ['Referrer-Policy', 'no-referrer'],
      ['Cache-Control', 'no-store'],
    ],
  };
  if (dir === DASHBOARD_ASSETS_DIR) cached = page;
  return page;
}
