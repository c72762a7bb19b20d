// Registry-free stand-ins for HubSpot's preloaded packages (SPEC R42): tiny fake packages under
// test/fixtures/preloaded/fake-packages that report their name and version, laid out as the
// cache `hubspot-functions install` fills, or packed into tarballs for a real offline `install`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRELOADED_PACKAGES, preloadedEntryName, type PreloadedName } from '../../src/preloaded/preloaded-packages';

export const PRELOADED_FIXTURES = join(__dirname, '..', 'fixtures', 'preloaded');

/** The fixture folder of each stand-in. */
export const FAKE_PACKAGES: Record<PreloadedName, string> = {
  '@hubspot/api-client': join(PRELOADED_FIXTURES, 'fake-packages', 'hubspot-api-client'),
  axios: join(PRELOADED_FIXTURES, 'fake-packages', 'axios'),
  request: join(PRELOADED_FIXTURES, 'fake-packages', 'request'),
  requests: join(PRELOADED_FIXTURES, 'fake-packages', 'requests'),
};

/** Writes the stand-ins into `dir` as if `install` had put them there at these specs (default: HubSpot's ranges). */
export function writePreloadedCache(dir: string, specs: Partial<Record<PreloadedName, string>> = PRELOADED_PACKAGES, from: Partial<Record<PreloadedName, string>> = FAKE_PACKAGES): void {
  for (const [name, spec] of Object.entries(specs) as Array<[PreloadedName, string]>) {
    const target = join(dir, preloadedEntryName(name, spec), 'node_modules', name);
    mkdirSync(target, { recursive: true });
    cpSync(from[name] ?? FAKE_PACKAGES[name], target, { recursive: true });
  }
}

/** `npm pack`s each stand-in (offline) and returns `file:` specs of the tarballs, by package name. */
export function packFakePackages(into = mkdtempSync(join(tmpdir(), 'hsf-fake-tgz-'))): Record<PreloadedName, string> {
  mkdirSync(into, { recursive: true });
  const specs = {} as Record<PreloadedName, string>;
  for (const [name, dir] of Object.entries(FAKE_PACKAGES) as Array<[PreloadedName, string]>) {
    const before = new Set(readdirSync(into));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = readdirSync(into).find((f) => !before.has(f) && f.endsWith('.tgz'))!;
    specs[name] = `file:${join(into, tarball)}`;
  }
  return specs;
}
