// `hubspot-functions secrets list|add|delete [paths...]` (issue #11), as `hs secrets` was on
// HubSpot, for secrets that now live where SPEC R32 looks for them: the host's environment
// (including --env-file), then the functions folder's `.env`. `list` shows every declared secret,
// which functions use it and where its value comes from, never the value; `add NAME` reads the
// value from a hidden prompt (on a terminal) or standard input and writes it to the `.env` of
// every folder that declares NAME; `delete NAME` removes it there. A running server picks the
// change up within `secretsRefreshMs` (HubSpot's one-minute cache), because it re-reads `.env`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'dotenv';
import { displayPath } from '../analysis/check-packages';
import { groupByFolder } from '../analysis/report-missing-packages';
import type { FunctionDefinition } from '../definitions';
import { PRIVATE_APP_ACCESS_TOKEN } from '../env/build-function-env';
import { writeLine, type CliIo } from './cli-io';
import { deleteDotEnvEntry, readDotEnvText, setDotEnvEntry, writeDotEnvText } from './dotenv-file';
import { loadEnvFiles } from './host-flags';
import { loadFolderDefinitions } from './load-folders';
import { paint } from './paint';
import { reportHostError } from './report-host-error';
import { CliUsageError } from './usage-error';

/** One declared secret in one functions folder, and where its value would come from. */
export interface SecretStatus {
  name: string;
  folder: string;
  /** Ids of the functions that declare it (project functions get PRIVATE_APP_ACCESS_TOKEN undeclared). */
  functions: string[];
  /** SPEC R32: the host environment wins over the folder's `.env`. */
  source: 'environment' | 'dotenv' | 'missing';
  /** The folder's `.env`. */
  dotEnv: string;
  /** A `.env` entry that the environment overrides. */
  overriddenDotEnv: boolean;
}

/** The names a function's environment gets from the secrets provider (SPEC R30). */
function secretNamesOf(definition: FunctionDefinition): string[] {
  return definition.isProject && !definition.secrets.includes(PRIVATE_APP_ACCESS_TOKEN) ? [...definition.secrets, PRIVATE_APP_ACCESS_TOKEN] : definition.secrets;
}

/** Every declared secret of every folder, with where its value comes from (never the value). */
export function listSecrets(definitions: readonly FunctionDefinition[], env: NodeJS.ProcessEnv): SecretStatus[] {
  const statuses: SecretStatus[] = [];
  for (const [folder, defs] of groupByFolder(definitions)) {
    const dotEnv = join(folder, '.env');
    const values = parse(readDotEnvText(dotEnv).text);
    const names = new Map<string, string[]>();
    for (const d of defs) for (const name of secretNamesOf(d)) names.set(name, [...(names.get(name) ?? []), d.id]);
    for (const [name, functions] of [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const inEnv = env[name] !== undefined;
      const inFile = Object.hasOwn(values, name);
      statuses.push({ name, folder, functions, source: inEnv ? 'environment' : inFile ? 'dotenv' : 'missing', dotEnv, overriddenDotEnv: inEnv && inFile });
    }
  }
  return statuses;
}

/** Whether git ignores `file`: true, false, or null when it cannot tell (not a repository, no git). */
export function isGitIgnored(file: string, cwd: string): boolean | null {
  const result = spawnSync('git', ['check-ignore', '--quiet', file], { cwd, stdio: 'ignore' });
  if (result.error !== undefined) return null;
  return result.status === 0 ? true : result.status === 1 ? false : null;
}

/** Reads a secret's value: a hidden prompt on a terminal, else all of standard input (one final line break dropped). */
async function readSecretValue(io: CliIo, name: string): Promise<string | null> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin.isTTY === true && typeof stdin.setRawMode === 'function') return promptHidden(stdin, io.stderr, `Value of ${name} (input hidden): `);
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text.replace(/\r?\n$/, '');
}

/** A prompt that echoes nothing; null when the user presses Ctrl-C. */
function promptHidden(stdin: NodeJS.ReadStream, out: NodeJS.WritableStream, question: string): Promise<string | null> {
  out.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve) => {
    let value = '';
    const finish = (result: string | null): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      resolve(result);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(value);
        if (ch === '\u0003') return finish(null);
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function printList(statuses: readonly SecretStatus[], io: CliIo): void {
  const c = io.color;
  if (statuses.length === 0) {
    writeLine(io.stdout, 'No function declares a secret.');
    return;
  }
  const rows = statuses.map((s) => [
    s.name,
    displayPath(s.folder, io.cwd),
    s.functions.map((id) => id.slice(id.indexOf('#') + 1)).join(','),
    s.source === 'environment' ? `host environment${s.overriddenDotEnv ? ' (overrides .env)' : ''}` : s.source === 'dotenv' ? displayPath(s.dotEnv, io.cwd) : 'missing',
  ]);
  const header = ['SECRET', 'FOLDER', 'FUNCTIONS', 'VALUE FROM'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  writeLine(io.stdout, format(header));
  for (const [i, row] of rows.entries()) {
    const line = format(row);
    writeLine(io.stdout, statuses[i].source === 'missing' ? paint(c, 'red', line) : line);
  }
  const missing = statuses.filter((s) => s.source === 'missing').length;
  if (missing > 0) writeLine(io.stdout, `${missing} secret(s) without a value: \`hubspot-functions secrets add NAME\` writes one to the folder's .env.`);
}

/** Runs `secrets`; exit 0 on success, 1 when nothing was done (no folder declares NAME, no value), 2 for usage or configuration errors. */
export async function runSecrets(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'list' && action !== 'add' && action !== 'delete') {
    throw new CliUsageError(`secrets takes list, add NAME or delete NAME; got ${action === undefined ? 'nothing' : `"${action}"`}.`);
  }
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, 'env-file': { type: 'string', multiple: true }, prefix: { type: 'string' } } });
  const name = action === 'list' ? undefined : positionals.shift();
  if (action !== 'list' && (name === undefined || !/^[^=\0\s]+$/.test(name))) throw new CliUsageError(`secrets ${action} takes the secret's name, e.g. \`hubspot-functions secrets ${action} APIKEY\`.`);
  loadEnvFiles(values['env-file'] ?? [], io);
  let definitions: FunctionDefinition[];
  try {
    definitions = loadFolderDefinitions(positionals, io.cwd, values.prefix).definitions;
  } catch (error) {
    return reportHostError(error, io);
  }
  const statuses = listSecrets(definitions, io.env);
  if (action === 'list') {
    if (values.json) writeLine(io.stdout, JSON.stringify({ secrets: statuses }));
    else printList(statuses, io);
    return 0;
  }
  const c = io.color;
  const folders = [...new Set(statuses.filter((s) => s.name === name).map((s) => s.folder))];
  if (action === 'delete') {
    let removed = 0;
    for (const folder of groupByFolder(definitions).keys()) {
      const file = join(folder, '.env');
      const { text, exists } = readDotEnvText(file);
      if (!exists) continue;
      const result = deleteDotEnvEntry(text, name!);
      if (!result.removed) continue;
      writeDotEnvText(file, result.text);
      removed++;
      writeLine(io.stdout, `deleted ${name} from ${displayPath(file, io.cwd)}`);
    }
    if (removed === 0) {
      writeLine(io.stderr, paint(c, 'red', `${name} is in no functions folder's .env here: nothing deleted.`));
      return 1;
    }
    if (io.env[name!] !== undefined) writeLine(io.stderr, paint(c, 'yellow', `warning: ${name} is still set in this environment, which functions see first (SPEC R32).`));
    return 0;
  }

  if (folders.length === 0) {
    writeLine(io.stderr, paint(c, 'red', `No function here declares the secret ${name}: add "${name}" to "secrets" in its serverless.json (or "secretKeys" in its hsmeta file) first, then run this again.`));
    return 1;
  }
  const value = await readSecretValue(io, name!);
  if (value === null) return 130;
  if (value === '') {
    writeLine(io.stderr, paint(c, 'red', `No value given for ${name}: type it at the prompt, or pipe it in (\`printf %s "$VALUE" | hubspot-functions secrets add ${name}\`).`));
    return 1;
  }
  for (const folder of folders) {
    const file = join(folder, '.env');
    const { text, exists } = readDotEnvText(file);
    try {
      writeDotEnvText(file, setDotEnvEntry(text, name!, value));
    } catch (error) {
      writeLine(io.stderr, paint(c, 'red', `error: ${(error as Error).message}; nothing was written to ${displayPath(file, io.cwd)}.`));
      return 1;
    }
    writeLine(io.stdout, `${exists ? 'updated' : 'created'} ${displayPath(file, io.cwd)}: ${name} is set${exists ? '' : ' (file mode 600)'}`);
    if (isGitIgnored(file, folder) === false) {
      writeLine(io.stderr, paint(c, 'yellow', `warning: ${displayPath(file, io.cwd)} is not ignored by git: add ".env" to .gitignore so the secret is never committed.`));
    }
  }
  if (io.env[name!] !== undefined) {
    writeLine(io.stderr, paint(c, 'yellow', `warning: ${name} is also set in this environment, which functions see first (SPEC R32): the .env value is used only where it is unset.`));
  }
  writeLine(io.stdout, 'A running server picks it up within secretsRefreshMs (60 s by default, as on HubSpot).');
  return 0;
}
