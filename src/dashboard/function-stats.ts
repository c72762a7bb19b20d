// The dashboard's figures per function (issue #15): invocations, error rate and p50/p95
// execution time over the last 5 minutes, and how much of each account's execution budget
// (SPEC R55) the current window has used, from every record the dashboard sees (every instance's
// with a log store). Bounded: samples older than the window go, and each function keeps at most
// MAX_SAMPLES.
import type { LogRecord } from '../types';

/** The window of the per-function figures. */
export const STATS_WINDOW_MS = 5 * 60_000;
/** Samples one function keeps at most (its figures then cover its latest calls). */
export const MAX_SAMPLES = 10_000;

/** The figures of one function. */
export interface FunctionStats {
  functionId: string;
  invocations: number;
  errors: number;
  /** errors / invocations, 0 when there were none. */
  errorRate: number;
  /** Execution time percentiles (ms) of the calls that ran; null when none did. */
  p50: number | null;
  p95: number | null;
  /** Execution time (ms) it spent in the current budget window. */
  budgetUsedMs: number;
}

/** One account's use of its budget in the current window. */
export interface AccountBudget {
  accountId: number;
  usedMs: number;
}

/** What the page shows. */
export interface StatsSnapshot {
  at: number;
  windowMs: number;
  functions: FunctionStats[];
  /** Null when the budget is off (`rateLimit: false`). */
  budget: { budgetMs: number; windowMs: number; accounts: AccountBudget[] } | null;
}

interface Sample {
  at: number;
  ms: number;
  error: boolean;
  ran: boolean;
  accountId: number;
}

/**
 * Whether the function ran: a request refused before running (SPEC R60: 400, 405, 413, 429, 503)
 * has an ERROR record with no execution time and no memory.
 */
function ran(record: LogRecord): boolean {
  return !(record.status === 'ERROR' && record.executionTime === 0 && record.memory.startsWith('0/'));
}

/** The value at `fraction` of sorted `values` (nearest rank). */
function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** The per-function figures of one dashboard. */
export interface FunctionStatsBook {
  add(record: LogRecord): void;
  snapshot(now?: number): StatsSnapshot;
}

/**
 * Creates the figures.
 * @param budget the resolved `rateLimit` budget and window, or null when it is off
 */
export function createFunctionStats(budget: { budgetMs: number; windowMs: number } | null, maxSamples = MAX_SAMPLES): FunctionStatsBook {
  const byFunction = new Map<string, Sample[]>();

  const prune = (samples: Sample[], cutoff: number): void => {
    let drop = 0;
    while (drop < samples.length && samples[drop].at < cutoff) drop++;
    if (drop > 0) samples.splice(0, drop);
  };

  return {
    add(record) {
      if (record.functionId === undefined) return;
      let samples = byFunction.get(record.functionId);
      if (samples === undefined) byFunction.set(record.functionId, (samples = []));
      samples.push({ at: record.createdAt, ms: record.executionTime, error: record.status !== 'SUCCESS', ran: ran(record), accountId: record.accountId ?? 0 });
      if (samples.length > maxSamples) samples.splice(0, samples.length - maxSamples);
    },
    snapshot(now = Date.now()) {
      const cutoff = now - STATS_WINDOW_MS;
      const windowStart = budget === null ? now : now - budget.windowMs;
      const accounts = new Map<number, number>();
      const functions: FunctionStats[] = [];
      for (const [functionId, samples] of byFunction) {
        prune(samples, cutoff);
        if (samples.length === 0) {
          byFunction.delete(functionId);
          continue;
        }
        let errors = 0;
        let budgetUsedMs = 0;
        const times: number[] = [];
        for (const s of samples) {
          if (s.error) errors++;
          if (s.ran) times.push(s.ms);
          if (budget !== null && s.at >= windowStart) {
            budgetUsedMs += s.ms;
            accounts.set(s.accountId, (accounts.get(s.accountId) ?? 0) + s.ms);
          }
        }
        times.sort((a, b) => a - b);
        functions.push({
          functionId, invocations: samples.length, errors, errorRate: errors / samples.length,
          p50: percentile(times, 0.5), p95: percentile(times, 0.95), budgetUsedMs,
        });
      }
      return {
        at: now,
        windowMs: STATS_WINDOW_MS,
        functions,
        budget: budget === null ? null : {
          budgetMs: budget.budgetMs,
          windowMs: budget.windowMs,
          accounts: [...accounts].map(([accountId, usedMs]) => ({ accountId, usedMs })).sort((a, b) => a.accountId - b.accountId),
        },
      };
    },
  };
}
