// One invocation's outbound calls (issue #13), in order of start: at most 100 entries, then a
// count of the rest. close() settles the list when the function answers: a call still running
// then is recorded with `status: null` and the time it had run so far, and nothing changes it
// afterwards (the list may already be in a record).
import { performance } from 'node:perf_hooks';
import type { RunResult } from '../definitions';
import type { OutboundCall } from '../types';

/** The most calls one record lists (issue #13); the rest are counted. */
export const MAX_OUTBOUND_CALLS = 100;

/** How much of a failure's text an entry keeps. */
const MAX_ERROR_CHARS = 500;

/** The settled calls of one invocation. */
export interface OutboundList {
  calls: OutboundCall[];
  /** Calls past MAX_OUTBOUND_CALLS, not listed. */
  dropped: number;
}

/** One call's start or end as a pooled instance reports it to the host while the call runs. */
export type OutboundChange =
  | { type: 'start'; method: string; url: string; rewrittenTo?: string }
  | { type: 'end'; index: number; status: number | null; error?: string };

/** Collects the calls of one invocation. */
export class OutboundRecorder {
  private readonly calls: OutboundCall[] = [];
  /** performance.now() at each listed call's start; -1 once it ended. */
  private readonly starts: number[] = [];
  private dropped = 0;
  private closed = false;

  /** Lists a call that starts now; answers its index, or -1 when it is only counted (or too late). */
  start(method: string, url: string, rewrittenTo: string | undefined): number {
    if (this.closed) return -1;
    if (this.calls.length >= MAX_OUTBOUND_CALLS) {
      this.dropped++;
      return -1;
    }
    const call: OutboundCall = { method, url, status: null, durationMs: 0 };
    if (rewrittenTo !== undefined) call.rewrittenTo = rewrittenTo;
    this.calls.push(call);
    this.starts.push(performance.now());
    return this.calls.length - 1;
  }

  /** Ends call `index`: its response status (null when none came) and, for a failure, what went wrong. */
  end(index: number, status: number | null, error: string | undefined): void {
    if (this.closed || index < 0 || index >= this.calls.length) return;
    const started = this.starts[index];
    if (started < 0) return;
    this.starts[index] = -1;
    const call = this.calls[index];
    call.status = status;
    call.durationMs = Math.round(performance.now() - started);
    if (error !== undefined) call.error = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error;
  }

  /** Applies a change an instance reported (the host's copy, for answers the instance cannot give). */
  apply(change: OutboundChange): void {
    if (change.type === 'start') this.start(change.method, change.url, change.rewrittenTo);
    else this.end(change.index, change.status, change.error);
  }

  /** Settles the list: calls still running keep `status: null` with their time so far. */
  close(): OutboundList {
    if (!this.closed) {
      this.closed = true;
      const now = performance.now();
      for (let i = 0; i < this.calls.length; i++) {
        const started = this.starts[i];
        if (started >= 0) this.calls[i].durationMs = Math.round(now - started);
      }
    }
    return { calls: this.calls, dropped: this.dropped };
  }
}

/** Puts an invocation's outbound calls on its result. */
export function addOutbound(result: RunResult, list: OutboundList): void {
  result.outbound = list.calls;
  if (list.dropped > 0) result.outboundDropped = list.dropped;
}

/**
 * A failure as an entry's `error`: `<code>: <message>`, reading through fetch's
 * `TypeError: fetch failed` to the cause that says what happened (`ECONNREFUSED: connect ...`).
 */
export function describeFailure(error: unknown): string {
  type Failure = { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | null;
  let e = error as Failure;
  if (error instanceof TypeError && error.message === 'fetch failed' && typeof error.cause === 'object' && error.cause !== null) {
    e = error.cause;
  }
  if (typeof e !== 'object' || e === null) return String(error);
  // The function sees the whole explanation; the entry, whose URL names the origin, says it short.
  if (e.code === 'HSF_OUTBOUND_DENIED') return 'HSF_OUTBOUND_DENIED: refused by outbound.deny (the origin is not in outbound.rewrite)';
  const kind = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
  return `${kind}: ${typeof e.message === 'string' ? e.message : String(e)}`;
}
