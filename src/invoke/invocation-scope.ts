// The one AsyncLocalStorage of an invocation (SPEC R30, R44, R61): what a function's code and
// everything it starts asynchronously is running for. The inline runner's per-function
// process.env (env/scoped-env.ts), the per-invocation console capture (logs/console-capture.ts)
// and the outbound interception (outbound/, issue #13) all read it. One store, not one per concern: on Node 20 every AsyncLocalStorage instance is
// propagated into every promise and async resource the process creates, so each extra instance
// costs every request of the host (issue #12).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogBuffer } from '../logs/log-buffer';
import type { OutboundSink } from '../outbound/outbound-context';

/** What an invocation runs with; `null` means "not set here": the real process.env, no capture. */
export interface InvocationScope {
  readonly env: Record<string, string> | null;
  readonly log: LogBuffer | null;
  /** Where the invocation's outbound calls are listed, and the policy that routes them (issue #13). */
  readonly outbound: OutboundSink | null;
}

const storage = new AsyncLocalStorage<InvocationScope>();

/** Runs `fn` (and everything it starts asynchronously) in `scope`. */
export function runInScope<T>(scope: InvocationScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the code running now, if any. */
export function currentScope(): InvocationScope | undefined {
  return storage.getStore();
}
