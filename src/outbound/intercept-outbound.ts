// Outbound interception (issue #13): `http`/`https` (and so every client built on them: axios,
// node-fetch, request, @hubspot/api-client) and global `fetch` are patched so that each call a
// function makes is recorded on its invocation and routed by the `outbound` policy. The call's
// invocation is found in the one invocation scope (invoke/invocation-scope.ts): no
// AsyncLocalStorage of its own. In a worker thread or a child process the whole instance belongs
// to one function, so the patch is installed once at bootstrap with the function's policy as
// the fallback (calls at module load are routed too); in the host (inline isolation) it is
// installed while an inline runner holds it, and a call outside any invocation (the host's own)
// is neither recorded nor routed.
import { syncBuiltinESMExports } from 'node:module';
import { sharedPatch } from '../invoke/shared-patch';
import { patchFetch } from './intercept-fetch';
import { patchHttpModules } from './intercept-http';
import type { ResolvedOutbound } from './outbound-policy';
import { setFallbackPolicy } from './outbound-context';

let restore: (() => void) | null = null;

/**
 * Installs the interception in the host (inline isolation) on the first hold, reference-counted;
 * answers the function that releases this hold (the last release restores Node's own functions).
 */
export const retainOutboundInterception: () => () => void = sharedPatch(install, uninstall);

/**
 * Installs the interception for good, in a function's own worker thread or child process, before
 * its module loads: every call there is the function's, so `policy` routes calls made outside an
 * invocation too (at module load, by a timer).
 */
export function interceptOutbound(policy: ResolvedOutbound | null): void {
  setFallbackPolicy(policy);
  // Held for the instance's whole life: never released.
  retainOutboundInterception();
}

function install(): void {
  const undoHttp = patchHttpModules();
  const undoFetch = patchFetch();
  // `import { request } from 'node:https'` in an ES module function sees the patched function.
  syncBuiltinESMExports();
  restore = () => {
    undoFetch();
    undoHttp();
    syncBuiltinESMExports();
  };
}

function uninstall(): void {
  restore?.();
  restore = null;
}

