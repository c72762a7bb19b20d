// Where log records go (SPEC R60, R62): the sink (`onLog`, or the default stderr sink) and every
// listener (`onRecord`, the dashboard). It also says whether anyone listens at all, so the
// pipeline builds no record nobody reads (issue #12).
import { createStderrSink } from '../logs/format-log-record';
import type { ResolvedOptions } from '../options';
import type { LogRecord } from '../types';

/** The records of one host. */
export interface RecordHub {
  readonly emit: (record: LogRecord) => void;
  /** Whether a sink or a listener wants records now. */
  readonly listening: () => boolean;
  /** Adds a listener; returns the function that removes it. */
  readonly subscribe: (listener: (record: LogRecord) => void) => () => void;
}

/** Creates the record hub of a host from its `onLog` option. */
export function createRecordHub(options: Pick<ResolvedOptions, 'onLog' | 'defaultLogSink'>): RecordHub {
  const sink = options.onLog ?? (options.defaultLogSink ? createStderrSink() : null);
  const listeners = new Set<(record: LogRecord) => void>();
  return {
    emit(record) {
      if (sink !== null) {
        try {
          sink(record);
        } catch {
          // A throwing log sink must not fail the request it logs.
        }
      }
      for (const listener of listeners) {
        try {
          listener(record);
        } catch {
          // Same for record listeners.
        }
      }
    },
    listening: () => sink !== null || listeners.size > 0,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
