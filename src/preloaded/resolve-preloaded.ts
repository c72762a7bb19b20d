// Resolving HubSpot's preloaded packages at run time (SPEC R42): the function's own folder and
// its parents first (Node's normal lookup, untouched), then the preloaded set, the way HubSpot's
// Lambda layer sat behind a function's own node_modules. Both hooks act only when Node's own
// lookup has already failed, only for a preloaded package name, and only for a module whose file
// is inside a registered functions folder: the host app's own `require('axios')` is never
// answered from the set. CommonJS: a wrapper around Module._resolveFilename (Node 20 has no
// synchronous resolve hook for require; module-alias and Yarn PnP use the same seam). ES modules:
// a `module.register` resolve hook (Node 20.6+), registered only when an ES module function loads,
// since it starts a loader thread (about 100 ms) and then carries every import of that thread.
import Module from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { dirname, join, sep } from 'node:path';
import type { FunctionDefinition } from '../definitions';
import { packageNameOf } from '../analysis/package-name';
import type { PreloadedPaths } from './preloaded-packages';

/** One function's folders and the preloaded packages they may fall back to. */
interface Registration {
  roots: string[];
  packages: PreloadedPaths;
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
}

const registrations = new Set<Registration>();
const internals = Module as unknown as ModuleInternals;
let original: ResolveFilename | null = null;
let installed: ResolveFilename | null = null;
let esm: { post(regs: Registration[]): Promise<void> } | null = null;

/** The folders whose modules may use the set: the functions folder and the function file's own folder. */
export function preloadedRootsOf(definition: Pick<FunctionDefinition, 'folder' | 'file'>): string[] {
  return [...new Set([definition.folder, dirname(definition.file)])].map((d) => (d.endsWith(sep) ? d : d + sep));
}

/** The set's node_modules for a module at `file` requiring `request`, if the fallback applies. */
function fallbackFor(request: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const name = packageNameOf(request);
  if (name === null) return undefined;
  for (const reg of registrations) {
    const dir = Object.hasOwn(reg.packages, name) ? reg.packages[name] : undefined;
    if (dir !== undefined && reg.roots.some((root) => file.startsWith(root))) return dir;
  }
  return undefined;
}

function installCommonJsHook(): void {
  if (installed !== null && internals._resolveFilename === installed) return;
  const previous = internals._resolveFilename;
  original = previous;
  installed = function resolveWithPreloaded(this: unknown, request, parent, isMain, options) {
    try {
      return previous.call(this, request, parent, isMain, options);
    } catch (error) {
      const file = (parent as { filename?: string } | null | undefined)?.filename ?? undefined;
      const dir = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' ? fallbackFor(request, file) : undefined;
      if (dir === undefined) throw error;
      // A parent inside the set's node_modules: Node's own lookup then finds the package there.
      const fallbackParent = { id: join(dir, '..', 'index.js'), filename: join(dir, '..', 'index.js'), paths: [dir] };
      return previous.call(this, request, fallbackParent, false, undefined);
    }
  };
  internals._resolveFilename = installed;
}

function uninstallCommonJsHook(): void {
  // Another library may have wrapped ours since: then ours stays, inactive with no registrations.
  if (installed !== null && internals._resolveFilename === installed && original !== null) internals._resolveFilename = original;
  installed = null;
  original = null;
}

/**
 * Lets the modules of `definition`'s folder require the installed preloaded `packages` when
 * their own folder and its parents do not provide them (SPEC R42). Returns the release function.
 * @example
 * const release = retainPreloadedResolution(definition, { axios: '/cache/axios@^0.19.2/node_modules' });
 */
export function retainPreloadedResolution(definition: Pick<FunctionDefinition, 'folder' | 'file'>, packages: PreloadedPaths): () => void {
  if (Object.keys(packages).length === 0) return () => undefined;
  const registration: Registration = { roots: preloadedRootsOf(definition), packages };
  registrations.add(registration);
  installCommonJsHook();
  return () => {
    if (!registrations.delete(registration)) return;
    if (registrations.size === 0) uninstallCommonJsHook();
    void esm?.post([...registrations]);
  };
}

// The ES module hook runs in Node's loader thread: it learns the registrations by message, and
// each update is acknowledged before an import relies on it.
const ESM_HOOKS = `
import { fileURLToPath, pathToFileURL } from 'node:url';
let registrations = [];
export function initialize({ port }) {
  port.on('message', (regs) => { registrations = regs; port.postMessage('ok'); });
  port.unref();
}
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !context.parentURL?.startsWith('file:')) throw error;
    if (/^[./#]/.test(specifier) || specifier.startsWith('node:')) throw error;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    const file = fileURLToPath(context.parentURL);
    for (const reg of registrations) {
      const dir = Object.hasOwn(reg.packages, name) ? reg.packages[name] : undefined;
      if (dir !== undefined && reg.roots.some((root) => file.startsWith(root))) {
        return nextResolve(specifier, { ...context, parentURL: pathToFileURL(dir + '/../index.js').href });
      }
    }
    throw error;
  }
}
`;

/**
 * Makes the registered folders' ES module imports fall back to the preloaded set too: registers
 * the loader hook once per thread, then sends it the current registrations and waits for its ack.
 */
export async function syncEsmPreloadedResolution(): Promise<void> {
  if (registrations.size === 0 && esm === null) return;
  // Node before 20.6 has no loader hooks: ES modules then resolve from their folder only.
  if (typeof Module.register !== 'function') return;
  if (esm === null) {
    const { port1, port2 } = new MessageChannel();
    Module.register(`data:text/javascript,${encodeURIComponent(ESM_HOOKS)}`, { data: { port: port2 }, transferList: [port2] });
    const pending: Array<() => void> = [];
    port1.on('message', () => {
      pending.shift()?.();
      // Idle, the port must never keep the process (or the worker) alive.
      if (pending.length === 0) port1.unref();
    });
    port1.unref();
    esm = {
      post(regs) {
        return new Promise((resolve) => {
          // Waiting for the ack, it must: else a process with nothing else to do (a script, the
          // invoke command, a test) exits with the load still pending.
          if (pending.length === 0) port1.ref();
          pending.push(resolve);
          port1.postMessage(regs.map((r) => ({ roots: r.roots, packages: r.packages })));
        });
      },
    };
  }
  await esm.post([...registrations]);
}
