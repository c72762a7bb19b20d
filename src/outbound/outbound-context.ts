// The context of one outbound call (issue #13): the invocation it belongs to (found in the one
// invocation scope, invoke/invocation-scope.ts: no AsyncLocalStorage of its own), the policy that
// routes it, and the error a refused call fails with.
import { HubSpotFunctionsError } from '../errors';
import { currentScope } from '../invoke/invocation-scope';
import type { ResolvedOutbound } from './outbound-policy';
import { scrubUrl } from './scrub-url';

/** What an invocation offers the interceptors: its policy and where its calls are listed. */
export interface OutboundSink {
  readonly outboundPolicy: ResolvedOutbound | null;
  /** Lists a call that starts now (`url` as the function wrote it); answers its index, or -1. */
  startOutbound(method: string, url: string, rewrittenTo: string | undefined): number;
  /** Ends call `index` (-1 is ignored). */
  endOutbound(index: number, status: number | null, error: string | undefined): void;
}

/** The policy for calls outside any invocation: the instance's own in a worker or child, none in the host. */
let fallback: ResolvedOutbound | null = null;

/** The sink of the invocation running now, or null. */
export function currentOutboundSink(): OutboundSink | null {
  return currentScope()?.outbound ?? null;
}

/** The policy for a call with this sink (null sink: outside any invocation). */
export function policyFor(sink: OutboundSink | null): ResolvedOutbound | null {
  return sink === null ? fallback : sink.outboundPolicy;
}

/** Sets the policy for calls outside any invocation (a function's own worker or child process). */
export function setFallbackPolicy(policy: ResolvedOutbound | null): void {
  fallback = policy;
}

/**
 * The error a call refused by `outbound.deny` fails with, inside the function (an `error` event
 * of the request, a rejection of fetch): it names the URL and the options that allow it.
 */
export function outboundDeniedError(url: string, origin: string): HubSpotFunctionsError {
  return new HubSpotFunctionsError(
    'HSF_OUTBOUND_DENIED',
    `hubspot-functions refused the outbound call to ${scrubUrl(url)}: outbound.deny is on and ${origin} is not in outbound.rewrite. ` +
      `Point it at a local fake with outbound: { rewrite: { '${origin}': 'http://127.0.0.1:<port>' } } (CLI: --outbound-rewrite ${origin}=http://127.0.0.1:<port>), ` +
      'or allow real calls with outbound: { deny: false } (createTestApp denies them by default).',
  );
}
