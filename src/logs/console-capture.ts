// Per-invocation console capture (SPEC R44, R61). HubSpot's emulator replaces console.log
// globally, so concurrent requests mix their output; here the console methods are patched once
// and each call looks up the invocation it belongs to (invoke/invocation-scope.ts), so 200 concurrent
// invocations each get exactly their own lines. Works the same inside a worker thread.
import { format } from 'node:util';
import { currentScope, runInScope } from '../invoke/invocation-scope';
import { sharedPatch } from '../invoke/shared-patch';
import type { OutboundSink } from '../outbound/outbound-context';
import type { LogBuffer, LogLevel } from './log-buffer';

type ConsoleMethod = 'log' | 'info' | 'debug' | 'warn' | 'error' | 'trace';

// SPEC R61: INFO for log, info and debug; WARN; ERROR. `trace` is debugging output, so INFO
// (with Node's own "Trace: " prefix and the stack, as console.trace prints it).
const LEVELS: Record<ConsoleMethod, LogLevel> = {
  log: 'INFO',
  info: 'INFO',
  debug: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  trace: 'INFO',
};

let originals: Partial<Record<ConsoleMethod, (...args: unknown[]) => void>> = {};
let patched: Partial<Record<ConsoleMethod, (...args: unknown[]) => void>> = {};

/**
 * Patches the console methods once (reference-counted); returns the function that releases this
 * hold, restoring the originals when the last holder releases. Outside a capture scope the
 * patched methods call the originals unchanged.
 */
export const retainConsoleCapture: () => () => void = sharedPatch(install, uninstall);

/**
 * Runs `fn` so that console output from it and everything it starts asynchronously lands in
 * `sink`, and its outbound calls in `outbound` (issue #13: the same scope, one store).
 */
export function runWithCapture<T>(sink: LogBuffer, fn: () => T, outbound: OutboundSink | null = null): T {
  const scope = currentScope();
  return runInScope({ env: scope?.env ?? null, log: sink, outbound, call: scope?.call ?? null }, fn);
}

function install(): void {
  const target = console as unknown as Record<ConsoleMethod, (...args: unknown[]) => void>;
  originals = {};
  patched = {};
  for (const name of Object.keys(LEVELS) as ConsoleMethod[]) {
    const original = target[name];
    const level = LEVELS[name];
    const replacement = function (this: unknown, ...args: unknown[]): void {
      const sink = currentScope()?.log;
      if (sink === undefined || sink === null) return original.apply(this, args);
      sink.push(level, name === 'trace' ? formatTrace(args) : format(...args));
    };
    originals[name] = original;
    patched[name] = replacement;
    target[name] = replacement;
  }
}

function uninstall(): void {
  const target = console as unknown as Record<ConsoleMethod, (...args: unknown[]) => void>;
  for (const name of Object.keys(LEVELS) as ConsoleMethod[]) {
    // Someone may have patched over us since: leave their method in place.
    if (target[name] === patched[name]) target[name] = originals[name]!;
  }
  originals = {};
  patched = {};
}

/** What console.trace prints: `Trace: <message>` and the caller's stack. */
function formatTrace(args: unknown[]): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, formatTrace);
  // Drop the "Error" line and our own patched method's frame.
  const frames = (holder.stack ?? '').split('\n').slice(2);
  const message = args.length > 0 ? `Trace: ${format(...args)}` : 'Trace';
  return [message, ...frames].join('\n');
}
