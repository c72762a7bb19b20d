// The one AsyncLocalStorage of an invocation (SPEC R30, R44, R61): what a function's code and
// everything it starts asynchronously is running for. The inline runner's per-function
// process.env (env/scoped-env.ts), the per-invocation console capture (logs/console-capture.ts)
// the outbound interception (outbound/, issue #13) and, inside an instance, the fault attribution
// of runner/serve-function.ts all read it. One store, not one per concern: on Node 20 every
// AsyncLocalStorage instance is propagated into every promise and async resource the process
// creates, so each extra instance costs every request of the host (issue #12).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogBuffer } from '../logs/log-buffer';
import type { OutboundSink } from '../outbound/outbound-context';

/** What an invocation runs with; `null` means "not set here": the real process.env, no capture. */
export interface InvocationScope {
  readonly env: Record<string, string> | null;
  readonly log: LogBuffer | null;
  /** Where the invocation's outbound calls are listed, and the policy that routes them (issue #13). */
  readonly outbound: OutboundSink | null;
  /**
   * Inside a worker thread or a child process: the call this code runs for, so a fault or a line
   * written straight to stdout is charged to it (runner/serve-function.ts).
   */
  readonly call: InstanceCall | null;
}

/** One call an instance runs; `answered` once the host has its result or its fault. */
export interface InstanceCall {
  readonly id: number;
  readonly requestId: string;
  answered: boolean;
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
