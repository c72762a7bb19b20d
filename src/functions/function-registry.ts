// The functions of one host and their lifecycle: secrets resolved, environment built, module
// loaded by the runner behind `ready` (SPEC R7: mounting does only synchronous work), statuses
// for the route table, and secrets re-read every `secretsRefreshMs` (HubSpot's one-minute cache).
import { availableParallelism } from 'node:os';
import type { FunctionDefinition, Runner } from '../definitions';
import { buildFunctionEnv } from '../env/build-function-env';
import { redact, redactionsFor } from '../env/redactions';
import { createSecretsResolver, describeMissingSecret } from '../env/secrets';
import { reportMissingPackages } from '../analysis/report-missing-packages';
import { HubSpotFunctionsError } from '../errors';
import { findInstalledPreloaded } from '../preloaded/preloaded-packages';
import type { ResolvedOptions } from '../options';
import type { FunctionsWarning, RouteInfo } from '../types';

/** One function of the host and what it was prepared with. */
export interface RegisteredFunction {
  readonly definition: FunctionDefinition;
  status: 'pending' | 'loaded' | 'failed';
  error?: string;
  /** Declared secrets that have a value, for `context.secrets` (SPEC R29). */
  contextSecrets: Record<string, string>;
  redactions: Array<[string, string]>;
  /** Settles when the current preparation finished; never rejects. */
  prepared: Promise<void>;
  /** Starts this function's loading now if it is still waiting in the load queue (a request wants it). */
  prioritize(): void;
  /** The secret values the current instance was built with, to detect rotation. */
  secretValues: Record<string, string | undefined>;
}

export interface FunctionRegistry {
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  readonly ready: Promise<{ loaded: number; failed: number }>;
  routes(): RouteInfo[];
  close(): void;
}

/** How many modules load at once while `ready` settles (inline: cheap, mostly file reads). */
const INLINE_LOAD_CONCURRENCY = 8;

/**
 * Worker and child-process starts are CPU-bound (~60 and ~100 ms each): starting more at once
 * than there are cores only slows every one of them, the one a waiting request needs included
 * (issue #7: a 100-function folder took 550 ms to its first 200 with 8 at once on one core).
 */
function loadConcurrency(isolation: ResolvedOptions['isolation']): number {
  return isolation === 'inline' ? INLINE_LOAD_CONCURRENCY : Math.max(1, availableParallelism());
}

function sameValues(a: Record<string, string | undefined>, b: Record<string, string | undefined>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Registers the definitions and starts loading them in the background. */
export function createFunctionRegistry(
  definitions: readonly FunctionDefinition[],
  options: ResolvedOptions,
  runner: Runner,
  warn: (warning: FunctionsWarning) => void,
): FunctionRegistry {
  const hostEnv = process.env;
  const resolver = createSecretsResolver(options.secrets, hostEnv);
  const functions = new Map<string, RegisteredFunction>();
  let closed = false;

  async function prepare(fn: RegisteredFunction, secretValues: Record<string, string | undefined>): Promise<void> {
    const def = fn.definition;
    fn.secretValues = secretValues;
    fn.redactions = redactionsFor(secretValues);
    const contextSecrets: Record<string, string> = {};
    for (const name of def.secrets) {
      const value = secretValues[name];
      if (value !== undefined) contextSecrets[name] = value;
    }
    fn.contextSecrets = contextSecrets;
    const env = buildFunctionEnv(def, secretValues, {
      allowList: options.envAllowList,
      hostEnv,
      privateAppAccessToken: secretValues.PRIVATE_APP_ACCESS_TOKEN,
    });
    // SPEC R42: looked up at each preparation, so a set installed while serving is found.
    const preloaded = findInstalledPreloaded(options.preloaded);
    const result = await runner.prepare({ definition: def, env, redactions: fn.redactions, memoryLimitMb: options.memoryLimitMb, preloaded });
    if (result.ok) {
      fn.status = 'loaded';
      delete fn.error;
    } else {
      fn.status = 'failed';
      fn.error = redact(`${result.error.type}: ${result.error.message}`, fn.redactions);
    }
  }

  for (const definition of definitions) {
    functions.set(definition.id, {
      definition,
      status: 'pending',
      contextSecrets: {},
      redactions: [],
      prepared: Promise.resolve(),
      prioritize: () => undefined,
      secretValues: {},
    });
  }

  // Bounded concurrency: a folder of 100 functions must not open 100 workers at once.
  const queue = [...functions.values()];
  const gates = new Map<string, () => void>();
  for (const fn of queue) {
    fn.prepared = new Promise<void>((resolve) => gates.set(fn.definition.id, resolve));
  }
  async function load(fn: RegisteredFunction): Promise<void> {
    try {
      await prepare(fn, await resolver.resolve(fn.definition));
    } catch (error) {
      fn.status = 'failed';
      fn.error = error instanceof Error ? error.message : String(error);
    } finally {
      gates.get(fn.definition.id)?.();
    }
  }
  async function worker(): Promise<void> {
    for (let fn = queue.shift(); fn; fn = queue.shift()) await load(fn);
  }
  for (const fn of queue) {
    // The first request to a function still queued must not wait behind a hundred others
    // loading (issue #7: a folder of 100 endpoints, time to the first 200).
    fn.prioritize = () => {
      const i = queue.indexOf(fn);
      if (i === -1) return;
      queue.splice(i, 1);
      void load(fn);
    };
  }

  const ready = (async () => {
    // Yield once so that mounting stays synchronous and cheap (SPEC R7).
    await Promise.resolve();
    await Promise.all(Array.from({ length: Math.min(loadConcurrency(options.isolation), queue.length) }, worker));
    // SPEC R42: one warning per folder names the packages its files need, read behind `ready`.
    const explained = reportMissingPackages(definitions, options.preloaded, warn);
    let loaded = 0;
    let failed = 0;
    const missingSecrets = new Map<string, FunctionDefinition[]>();
    for (const fn of functions.values()) {
      const def = fn.definition;
      if (fn.status === 'loaded') loaded++;
      else {
        failed++;
        if (!explained(def, fn.error)) {
          warn({
            code: 'HSF_WARN_LOAD_FAILED',
            message: `${def.file}: function "${def.name}" failed to load: ${fn.error}. Its route answers 500 until fixed.`,
            file: def.file,
            functionId: def.id,
          });
        }
      }
      for (const name of def.secrets) {
        if (fn.secretValues[name] === undefined) missingSecrets.set(name, [...(missingSecrets.get(name) ?? []), def]);
      }
    }
    // SPEC R32: one line per secret, naming every function that declares it.
    for (const [name, defs] of missingSecrets) {
      warn({ code: 'HSF_WARN_SECRET_MISSING', message: describeMissingSecret(name, defs, options.secrets), file: defs[0].configFile });
    }
    if (options.strict && failed > 0) {
      const names = [...functions.values()].filter((f) => f.status === 'failed').map((f) => `${f.definition.file}: ${f.error}`);
      throw new HubSpotFunctionsError('HSF_LOAD_FAILED', `${failed} function(s) failed to load (strict mode):\n${names.join('\n')}`);
    }
    return { loaded, failed };
  })();
  // A strict failure must reach whoever awaits `ready`, never crash a host that did not.
  ready.catch(() => undefined);

  // Secret rotation: when a value changes, the function's instances are replaced so that a
  // top-level `const { KEY } = process.env` sees the new value (issue #3).
  let refreshTimer: NodeJS.Timeout | undefined;
  const withSecrets = [...functions.values()].filter((f) => f.definition.secrets.length > 0 || f.definition.isProject);
  if (options.secretsRefreshMs > 0 && withSecrets.length > 0) {
    let refreshing = false;
    refreshTimer = setInterval(() => {
      if (refreshing || closed) return;
      refreshing = true;
      void (async () => {
        await ready.catch(() => undefined);
        for (const fn of withSecrets) {
          if (closed) break;
          try {
            const values = await resolver.resolve(fn.definition);
            if (!sameValues(values, fn.secretValues)) {
              const previous = fn.prepared;
              fn.prepared = previous.then(() => prepare(fn, values)).catch(() => undefined);
              await fn.prepared;
            }
          } catch (error) {
            warn({
              code: 'HSF_WARN_SECRETS_REFRESH_FAILED',
              message: `secrets of "${fn.definition.name}" could not be re-read: ${error instanceof Error ? error.message : String(error)}. The previous values stay in use.`,
              functionId: fn.definition.id,
            });
          }
        }
      })().finally(() => {
        refreshing = false;
      });
    }, options.secretsRefreshMs);
    refreshTimer.unref();
  }

  return {
    functions,
    ready,
    routes(): RouteInfo[] {
      return [...functions.values()].map((fn) => {
        const d = fn.definition;
        const info: RouteInfo = {
          id: d.id,
          kind: d.kind,
          name: d.name,
          methods: [...d.methods],
          path: d.path,
          file: d.file,
          folder: d.folder,
          secrets: [...d.secrets],
          env: Object.keys(d.environment),
          status: fn.status,
          warnings: [...d.warnings],
        };
        if (fn.error !== undefined) info.error = fn.error;
        return info;
      });
    },
    close(): void {
      closed = true;
      if (refreshTimer) clearInterval(refreshTimer);
    },
  };
}
