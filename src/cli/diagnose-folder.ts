// `doctor`'s advice for one functions folder (issue #6): what a folder that ran on HubSpot needs
// before it runs here. Static: function files are read, never run.
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { FunctionDefinition } from '../definitions';
import { createSecretsResolver } from '../env/secrets';
import { scanFunctionSource } from '../analysis/scan-function-source';

/** One piece of advice. */
export interface Advice {
  /** `error`: it will fail here; `warn`: it works here but differs from HubSpot; `info`: worth a look. */
  level: 'error' | 'warn' | 'info';
  code: string;
  file: string;
  line?: number;
  message: string;
}

/** Packages HubSpot's runtime provides without a package.json (issue #6); here they must be installed. */
export const HUBSPOT_PRELOADED = ['@hubspot/api-client', 'axios', 'request'] as const;

const BUILTINS = new Set(builtinModules);

/** The package a bare specifier names (`lodash/get` → `lodash`, `@scope/x/y` → `@scope/x`); null for relative or built-in. */
export function packageNameOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || /^[a-z]+:/i.test(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTINS.has(name) ? null : name;
}

/** Dependencies declared in package.json files from `fromDir` up to `folder` (inclusive). */
function declaredDependencies(fromDir: string, folder: string): Set<string> {
  const names = new Set<string>();
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
        for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
          for (const name of Object.keys(pkg[field] ?? {})) names.add(name);
        }
      } catch {
        // An invalid package.json is reported when the function loads (SPEC R7).
      }
    }
    if (dir === folder || !dir.startsWith(folder + sep) || dirname(dir) === dir) break;
  }
  return names;
}

/** Whether `name` resolves from `fromDir` the way the function's require() would (SPEC R42). */
function installed(name: string, fromDir: string): boolean {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/**
 * Diagnoses the functions of one folder.
 * @param definitions the folder's functions, from loadDefinitions
 */
export async function diagnoseFolder(folder: string, definitions: readonly FunctionDefinition[], hostEnv: NodeJS.ProcessEnv): Promise<Advice[]> {
  const advice: Advice[] = [];
  const scanned = new Set<string>();
  for (const definition of definitions) {
    if (scanned.has(definition.file) || !existsSync(definition.file)) continue;
    scanned.add(definition.file);
    const file = definition.file;
    const scan = scanFunctionSource(readFileSync(file, 'utf8'));
    if (scan.syntaxError) {
      advice.push({ level: 'error', code: 'syntax', file, line: scan.syntaxError.line, message: `does not parse: ${scan.syntaxError.message}` });
      continue;
    }
    const declared = declaredDependencies(dirname(file), folder);
    const reported = new Set<string>();
    for (const { specifier, line } of scan.imports) {
      const name = packageNameOf(specifier);
      if (name === null || reported.has(name)) continue;
      reported.add(name);
      const preloaded = (HUBSPOT_PRELOADED as readonly string[]).includes(name);
      if (!declared.has(name)) {
        advice.push({
          level: 'error', code: preloaded ? 'preloaded-package' : 'undeclared-package', file, line,
          message: preloaded
            ? `requires "${name}", which HubSpot preloads; here it must be installed: add it to ${join(folder, 'package.json')} ("dependencies") and run \`hubspot-functions install\`.`
            : `requires "${name}", which no package.json of the folder declares: add it to ${join(folder, 'package.json')} and run \`hubspot-functions install\`.`,
        });
      } else if (!installed(name, dirname(file))) {
        advice.push({ level: 'error', code: 'not-installed', file, line, message: `requires "${name}", declared but not installed: run \`hubspot-functions install ${relative(process.cwd(), folder) || '.'}\`.` });
      }
    }
    for (const hit of scan.secretsReads) {
      advice.push({ level: 'info', code: 'context-secrets', file, line: hit.line, message: `reads ${hit.text}: HubSpot's tooling passes it and it works here (SPEC R29, option contextSecrets), but the documented way is process.env.NAME.` });
    }
    for (const hit of scan.titleCaseHeaders) {
      advice.push({ level: 'warn', code: 'title-case-header', file, line: hit.line, message: `reads the header "${hit.text}": HubSpot's emulator used Title-Case names, production sends lower-case ones. It works here (reads are case-insensitive, SPEC R25); write headers['${hit.text.toLowerCase()}'] to be exact.` });
    }
    for (const hit of scan.hubspotHosts) {
      advice.push({ level: 'info', code: 'hubspot-host', file, line: hit.line, message: `names a HubSpot-hosted place ("${hit.text}"): check that it still exists where these functions now run.` });
    }
    if (scan.main.found && scan.main.async && scan.main.params >= 2) {
      advice.push({ level: 'warn', code: 'callback-and-async', file, line: scan.main.line, message: 'main is async and also takes sendResponse: the first of sendResponse() or a returned value answers (SPEC R41), and an async main that returns nothing waits for the callback until the timeout. Pick one style.' });
    }
    if (!scan.main.found) {
      advice.push({ level: 'error', code: 'no-main', file, message: 'exports no `main` that the source shows: add `exports.main = async (context) => { … }`.' });
    }
  }
  // SPEC R32: a declared secret with no value in the default provider (.env, then the environment).
  const resolver = createSecretsResolver(null, hostEnv);
  const missing = new Map<string, string>();
  for (const definition of definitions) {
    const values = await resolver.resolve(definition);
    for (const name of definition.secrets) if (values[name] === undefined && !missing.has(name)) missing.set(name, definition.configFile);
  }
  for (const [name, configFile] of missing) {
    advice.push({ level: 'error', code: 'secret-missing', file: configFile, message: `declares the secret ${name}, which has no value: add ${name}=… to ${join(folder, '.env')} (HubSpot's local tools use it), or set it in the environment.` });
  }
  return advice;
}
