// `doctor`'s advice for one functions folder (issues #6, #11): what a folder that ran on HubSpot
// needs before it runs here, each with file and line. Static: function files are read, never run.
// Packages are judged by the same check as `install`, `validate` and the mount-time warning
// (SPEC R42: the folder, its parents, then the preloaded set), so the four always agree.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findPackageUses } from '../analysis/check-packages';
import { scanFunctionSource } from '../analysis/scan-function-source';
import type { FunctionDefinition } from '../definitions';
import { createSecretsResolver } from '../env/secrets';
import type { ResolvedPreloaded } from '../preloaded/preloaded-packages';
import { packageAdvice } from './package-advice';

/** One piece of advice. */
export interface Advice {
  /** `error`: it will fail here; `warn`: it works here but differs from HubSpot; `info`: worth a look. */
  level: 'error' | 'warn' | 'info';
  code: string;
  file: string;
  line?: number;
  message: string;
}

/**
 * Diagnoses the functions of one folder.
 * @param definitions the folder's functions, from loadDefinitions
 */
export async function diagnoseFolder(
  folder: string,
  definitions: readonly FunctionDefinition[],
  hostEnv: NodeJS.ProcessEnv,
  preloaded: ResolvedPreloaded | null,
  cwd: string,
): Promise<Advice[]> {
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
    for (const hit of scan.secretsReads) {
      advice.push({ level: 'info', code: 'context-secrets', file, line: hit.line, message: `reads ${hit.text}: HubSpot's tooling passes it and it works here (SPEC R29, option contextSecrets), but the documented way is process.env.NAME.` });
    }
    for (const hit of scan.titleCaseHeaders) {
      advice.push({ level: 'warn', code: 'title-case-header', file, line: hit.line, message: `reads the header "${hit.text}": HubSpot's emulator used Title-Case names, production sends lower-case ones. It works here (reads are case-insensitive, SPEC R25); write headers['${hit.text.toLowerCase()}'] to be exact.` });
    }
    for (const hit of scan.hubspotHosts) {
      advice.push({ level: 'info', code: 'hubspot-host', file, line: hit.line, message: `names a HubSpot-hosted place ("${hit.text}"): check that it still exists where these functions now run.` });
    }
    for (const hit of scan.contactReads) {
      advice.push({ level: 'warn', code: 'context-contact', file, line: hit.line, message: `reads ${hit.text}: on HubSpot it is the cookied visitor's contact; here it is null until you configure the \`contact\` option (a hook that says who the visitor is, SPEC R27; see docs/contacts-and-webhooks.md).` });
    }
    for (const hit of scan.apiKeys) {
      advice.push({
        level: 'error', code: 'hubspot-api-key', file, line: hit.line,
        message: `passes a HubSpot API key (${hit.text}): HubSpot retired API keys, so this call answers 401 on HubSpot and here alike. ` +
          'Use a private app\'s access token instead: keep it as a secret (`hubspot-functions secrets add PRIVATE_APP_TOKEN`) and send `Authorization: Bearer <token>` (@hubspot/api-client: `new Client({ accessToken })`).',
      });
    }
    // SPEC R41: HubSpot's own template, `async (context, sendResponse)` calling sendResponse, is fine;
    // a main that also returns a value, or never calls back, is not.
    const { callbackCalls, returnsValue } = scan.main;
    if (scan.main.found && scan.main.async && scan.main.params >= 2 && (callbackCalls === 0) !== returnsValue) {
      advice.push({
        level: 'warn', code: 'callback-and-async', file, line: scan.main.line,
        message: callbackCalls === 0
          ? 'main is async and takes sendResponse but never calls it: when it returns nothing it waits for the callback until the timeout (SPEC R41). Drop the parameter or call it.'
          : 'main is async, returns a value and also calls sendResponse: whichever comes first answers (SPEC R41), the other is ignored. Pick one style.',
      });
    }
    if (!scan.main.found) {
      advice.push({ level: 'error', code: 'no-main', file, message: 'exports no `main` that the source shows: add `exports.main = async (context) => { … }`.' });
    }
  }
  // SPEC R42: what resolves neither from the folder, its parents nor the preloaded set.
  const roots = [...new Set(definitions.flatMap((d) => [d.folder, dirname(d.file)]))];
  for (const use of findPackageUses(definitions.map((d) => d.file), roots, preloaded)) {
    if (use.resolvedFrom !== null) continue;
    const code = use.preloaded ? 'preloaded-not-installed' : use.declaredIn !== null ? 'not-installed' : 'undeclared-package';
    advice.push({ level: 'error', code, file: use.file, line: use.line, message: packageAdvice(use, folder, cwd) });
  }
  // SPEC R32: a declared secret with no value in the default provider (the environment, then .env).
  const resolver = createSecretsResolver(null, hostEnv);
  const missing = new Map<string, string>();
  for (const definition of definitions) {
    const values = await resolver.resolve(definition);
    for (const name of definition.secrets) if (values[name] === undefined && !missing.has(name)) missing.set(name, definition.configFile);
  }
  for (const [name, configFile] of missing) {
    advice.push({ level: 'error', code: 'secret-missing', file: configFile, message: `declares the secret ${name}, which has no value: run \`hubspot-functions secrets add ${name}\` (it writes ${join(folder, '.env')}), or set it in the environment.` });
  }
  // By file, then line: the order a reader goes through the folder in.
  return advice.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? Infinity) - (b.line ?? Infinity)));
}
