// The route table printed at start: URL, methods, file, secrets, environment, warnings.
import { relative } from 'node:path';
import type { RouteInfo } from '../types';

/**
 * Formats routes as an aligned text table, one row per function, warnings under their row.
 * @param baseUrl e.g. `http://127.0.0.1:3000`
 */
export function formatRouteTable(routes: readonly RouteInfo[], baseUrl: string, cwd = process.cwd()): string {
  const rows = routes.map((r) => [
    r.path === null ? `(private) ${r.name}` : `${baseUrl}${r.path}`,
    r.methods.join(',') || 'invoke',
    relative(cwd, r.file) || r.file,
    r.secrets.join(',') || '-',
    r.env.join(',') || '-',
    r.status,
  ]);
  const header = ['URL', 'METHODS', 'FILE', 'SECRETS', 'ENV', 'STATUS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header)];
  routes.forEach((route, i) => {
    out.push(line(rows[i]));
    for (const w of route.warnings) out.push(`    ! ${w}`);
    if (route.error) out.push(`    ! ${route.error}`);
  });
  return out.join('\n');
}
