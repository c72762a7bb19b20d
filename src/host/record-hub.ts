// Where log records go (SPEC R60, R62): the sink (`onLog`, or the default stderr sink), every
// listener (`onRecord`, the dashboard) and the shared log store (issue #15). It also says whether
// anyone listens at all, so the pipeline builds no record nobody reads (issue #12), and it keeps
// the warnings an invocation raises on its record (issue #15): one raised before the record is
// emitted (a second sendResponse right after the first) is put on it; one raised after (a throw
// in a timer) is handed to the late listeners (the dashboard) and appended to the store.
import { createStderrSink } from '../logs/format-log-record';
import type { LogStoreSink } from '../logs/log-store-sink';
import type { ResolvedOptions } from '../options';
import type { LogRecord, RecordWarning } from '../types';

/** Warnings held for records not emitted yet, and emitted ids remembered: both bounded. */
const MAX_TRACKED = 256;

/** The records of one host. */
export interface RecordHub {
  readonly emit: (record: LogRecord) => void;
  /** Whether a sink, a listener or a log store wants records now. */
  readonly listening: () => boolean;
  /** Adds a listener; returns the function that removes it. */
  readonly subscribe: (listener: (record: LogRecord) => void) => () => void;
  /** A warning raised by the invocation `requestId` (a runner's late event). */
  readonly warn: (requestId: string, warning: RecordWarning) => void;
  /** Listens for warnings raised after their record was emitted; returns the function that stops it. */
  readonly subscribeLate: (listener: (requestId: string, warning: RecordWarning) => void) => () => void;
}

function safely<A extends unknown[]>(fn: (...args: A) => void, ...args: A): void {
  try {
    fn(...args);
  } catch {
    // A throwing sink or listener must not fail the request it logs.
  }
}

/** Drops the oldest key of an insertion-ordered collection past MAX_TRACKED. */
function bound(keys: Set<string> | Map<string, unknown>): void {
  if (keys.size > MAX_TRACKED) keys.delete(keys.keys().next().value as string);
}

/** Creates the record hub of a host from its `onLog` option and its log store sink (or null). */
export function createRecordHub(
  options: Pick<ResolvedOptions, 'onLog' | 'defaultLogSink' | 'instance'>,
  store: LogStoreSink | null = null,
): RecordHub {
  const sink = options.onLog ?? (options.defaultLogSink ? createStderrSink() : null);
  const listeners = new Set<(record: LogRecord) => void>();
  const lateListeners = new Set<(requestId: string, warning: RecordWarning) => void>();
  const pending = new Map<string, RecordWarning[]>();
  const emitted = new Set<string>();
  const listening = (): boolean => sink !== null || listeners.size > 0 || store !== null;
  return {
    emit(record) {
      if (pending.size > 0) {
        const warnings = pending.get(record.id);
        if (warnings !== undefined) {
          pending.delete(record.id);
          record.warnings = warnings;
        }
      }
      // Only a late listener or the store can use a warning raised after this: else no tracking.
      if (lateListeners.size > 0 || store !== null) {
        emitted.add(record.id);
        bound(emitted);
      }
      if (sink !== null) safely(sink, record);
      for (const listener of listeners) safely(listener, record);
      store?.write({ type: 'record', record });
    },
    listening,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    warn(requestId, warning) {
      // Nobody keeps records: no record is built for this invocation to carry it.
      if (!listening()) return;
      if (!emitted.has(requestId)) {
        const list = pending.get(requestId);
        if (list !== undefined) list.push(warning);
        else {
          pending.set(requestId, [warning]);
          bound(pending);
        }
        return;
      }
      for (const listener of lateListeners) safely(listener, requestId, warning);
      store?.write({ type: 'warning', id: requestId, instance: options.instance, warning });
    },
    subscribeLate(listener) {
      lateListeners.add(listener);
      return () => lateListeners.delete(listener);
    },
  };
}
