// The inline runner's per-function process.env (SPEC R30, R31, R44). HubSpot's emulator mutates
// process.env globally, so functions leak into each other and into the host; here process.env is
// replaced (while someone holds it) by a Proxy that, inside a runWithEnv scope (the invocation
// scope of invoke/invocation-scope.ts), reads and writes that scope's own env object, and outside
// passes everything through to the real one. Never a global swap: concurrent invocations of
// different functions each see their own env.
import { inspect } from 'node:util';
import { currentScope, runInScope } from '../invoke/invocation-scope';
import { sharedPatch } from '../invoke/shared-patch';

type Env = Record<string, string>;

/** The env of the invocation running now, if it runs with one of its own. */
function scopedEnv(): Env | undefined {
  return currentScope()?.env ?? undefined;
}
let original: NodeJS.ProcessEnv | null = null;
let proxy: NodeJS.ProcessEnv | null = null;

/**
 * Runs `fn` (and everything it starts asynchronously) with `env` as its process.env; a write
 * there stays in `env`, which the caller keeps as long as the function's instance (SPEC R30).
 * Only effective while retainScopedEnv() is held.
 */
export function runWithEnv<T>(env: Record<string, string>, fn: () => T): T {
  const scope = currentScope();
  return runInScope({ env, log: scope?.log ?? null, outbound: scope?.outbound ?? null, call: scope?.call ?? null }, fn);
}

/**
 * Installs the scoped process.env on the first hold (reference-counted); returns the function
 * that releases this hold, restoring the original process.env when the last holder releases.
 */
export const retainScopedEnv: () => () => void = sharedPatch(install, uninstall);

function install(): void {
  const real = process.env;
  original = real;
  // The target is a stand-in, not the real env: util.inspect shows a proxy's target without its
  // traps, so `console.log(process.env)` in a function would otherwise print the host's env.
  const stand = {};
  Object.defineProperty(stand, inspect.custom, {
    configurable: true,
    enumerable: false,
    value: (_depth: number, options: object) => inspect({ ...(scopedEnv() ?? real) }, options),
  });
  const own = (env: Env, key: string): boolean => Object.prototype.hasOwnProperty.call(env, key);
  proxy = new Proxy(stand, {
    get(_target, key): unknown {
      const env = scopedEnv();
      if (env === undefined || typeof key === 'symbol') return Reflect.get(real, key) as unknown;
      // Like the real process.env, an unset name falls through to Object.prototype
      // (`process.env.hasOwnProperty('X')` works).
      return own(env, key) ? env[key] : (Object.prototype as Record<string, unknown>)[key];
    },
    set(_target, key, value) {
      const env = scopedEnv();
      if (env === undefined || typeof key === 'symbol') return Reflect.set(real, key, value);
      // process.env stores every value as a string.
      define(env, key, String(value));
      return true;
    },
    defineProperty(_target, key, descriptor) {
      const env = scopedEnv();
      if (env === undefined || typeof key === 'symbol') return Reflect.defineProperty(real, key, descriptor);
      define(env, key, String(descriptor.value));
      return true;
    },
    deleteProperty(_target, key) {
      const env = scopedEnv();
      if (env === undefined || typeof key === 'symbol') return Reflect.deleteProperty(real, key);
      delete env[key];
      return true;
    },
    has(_target, key) {
      const env = scopedEnv();
      if (env === undefined || typeof key === 'symbol') return Reflect.has(real, key);
      return own(env, key) || key in Object.prototype;
    },
    ownKeys() {
      const env = scopedEnv();
      return env === undefined ? Reflect.ownKeys(real) : Object.keys(env);
    },
    getOwnPropertyDescriptor(_target, key) {
      const env = scopedEnv();
      if (env === undefined || typeof key === 'symbol') return Reflect.getOwnPropertyDescriptor(real, key);
      if (!own(env, key)) return undefined;
      return { value: env[key], writable: true, enumerable: true, configurable: true };
    },
  });
  process.env = proxy;
}

function uninstall(): void {
  // Someone may have replaced process.env since: leave theirs in place.
  if (process.env === proxy && original !== null) process.env = original;
  original = null;
  proxy = null;
}

/** Sets an own property, so `__proto__` is a plain name, as in the real process.env. */
function define(env: Env, key: string, value: string): void {
  Object.defineProperty(env, key, { value, writable: true, enumerable: true, configurable: true });
}
