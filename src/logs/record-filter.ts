// How operators narrow records (issue #15), one rule for the dashboard's API and
// `hubspot-functions logs` (the dashboard's page applies the same rule in dashboard.js): by
// endpoint, outcome, instance, request id and time.
import type { LogRecord } from '../types';

/**
 * What became of an invocation, as the filters name it: `timeout` (SPEC R45), `429` (answered 429:
 * refused by the budget, SPEC R55, or the function's own), `success` (HubSpot's SUCCESS, SPEC R60,
 * another 4xx included), else `error`.
 */
export type RecordOutcome = 'success' | 'error' | 'timeout' | '429';

export const RECORD_OUTCOMES: readonly RecordOutcome[] = ['success', 'error', 'timeout', '429'];

/** A record's outcome. */
export function outcomeOf(record: Pick<LogRecord, 'status' | 'statusCode' | 'error'>): RecordOutcome {
  if (record.error?.type === 'HSF_TIMEOUT') return 'timeout';
  if (record.statusCode === 429) return '429';
  return record.status === 'SUCCESS' ? 'success' : 'error';
}

/** A filter; every field left out matches everything. */
export interface RecordFilter {
  /** The endpoint, with or without its leading slash (`hello`, `/events/update`). */
  endpoint?: string;
  outcome?: RecordOutcome;
  instance?: string;
  /** A part of the request id, case-insensitive (as HubSpot's Logs tab searches). */
  requestId?: string;
  /** Epoch ms: only records created at or after it. */
  sinceMs?: number;
}

function bareEndpoint(endpoint: string): string {
  let start = 0;
  while (endpoint.charCodeAt(start) === 0x2f) start++;
  return endpoint.slice(start);
}

/** Whether `record` passes `filter`. */
export function matchesRecordFilter(record: LogRecord, filter: RecordFilter): boolean {
  if (filter.endpoint !== undefined && bareEndpoint(record.endpoint) !== bareEndpoint(filter.endpoint)) return false;
  if (filter.outcome !== undefined && outcomeOf(record) !== filter.outcome) return false;
  if (filter.instance !== undefined && record.instance !== filter.instance) return false;
  if (filter.requestId !== undefined && !record.id.toLowerCase().includes(filter.requestId.toLowerCase())) return false;
  if (filter.sinceMs !== undefined && record.createdAt < filter.sinceMs) return false;
  return true;
}

/** Whether a string names an outcome; HubSpot's own statuses map to theirs. */
export function parseOutcome(value: string): RecordOutcome | null {
  const v = value.trim().toLowerCase();
  if ((RECORD_OUTCOMES as readonly string[]).includes(v)) return v as RecordOutcome;
  if (v === 'rate-limited' || v === 'rate_limited') return '429';
  if (v === 'unhandled_error' || v === 'handled_error') return 'error';
  return null;
}

/**
 * A filter from query parameters `endpoint`, `status`, `instance`, `q` (request id) and `since`
 * (epoch ms); an empty value is no filter.
 * @returns the filter, or the name of the parameter whose value is not understood
 */
export function filterFromQuery(query: URLSearchParams): RecordFilter | { invalid: string } {
  const filter: RecordFilter = {};
  const text = (name: string): string | undefined => {
    const value = query.get(name)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const endpoint = text('endpoint');
  if (endpoint !== undefined) filter.endpoint = endpoint;
  const status = text('status');
  if (status !== undefined) {
    const outcome = parseOutcome(status);
    if (outcome === null) return { invalid: 'status' };
    filter.outcome = outcome;
  }
  const instance = text('instance');
  if (instance !== undefined) filter.instance = instance;
  const q = text('q') ?? text('requestId');
  if (q !== undefined) filter.requestId = q;
  const since = text('since');
  if (since !== undefined) {
    const ms = Number(since);
    if (!Number.isFinite(ms)) return { invalid: 'since' };
    filter.sinceMs = ms;
  }
  return filter;
}
