// One record per invocation, in the shape of HubSpot's log API (SPEC R60).
import type { RunResult, SerializedError } from '../definitions';
import type { LogRecord, LogStatus, OutboundCall } from '../types';

/** Codes that mean the function could not load, could not answer, or never ran (SPEC R60: ERROR). */
const ERROR_STATUS_CODES = new Set<string>([
  'HSF_FUNCTION_LOAD_FAILED',
  'HSF_RESPONSE_INVALID',
  'HSF_RESPONSE_TOO_LARGE',
  'HSF_OVERLOADED',
  'HSF_CLOSED',
]);

/** The record's status from what happened (SPEC R60). */
export function statusOf(result: RunResult, statusCode: number): LogStatus {
  const outcome = result.outcome;
  if (outcome.type === 'timeout') return 'UNHANDLED_ERROR';
  if (outcome.type === 'error') {
    // Could not load, or its response could not be sent: ERROR; it threw, exited or ran out: UNHANDLED.
    return ERROR_STATUS_CODES.has(outcome.code) ? 'ERROR' : 'UNHANDLED_ERROR';
  }
  return statusCode >= 500 ? 'HANDLED_ERROR' : 'SUCCESS';
}

/** Builds a record; `memoryUsedMb` of 0 with `executionTime` 0 marks a refused request. */
export function buildLogRecord(fields: {
  id: string;
  createdAt: number;
  status: LogStatus;
  executionTime: number;
  memoryUsedMb: number;
  memoryLimitMb: number;
  log: string;
  error?: SerializedError;
  endpoint: string;
  method: string;
  statusCode: number;
  functionId?: string;
  accountId?: number;
  instance: string;
  /** Issue #13: the calls the function made, when it made any. */
  outbound?: OutboundCall[];
  outboundDropped?: number;
}): LogRecord {
  const record: LogRecord = {
    id: fields.id,
    status: fields.status,
    createdAt: fields.createdAt,
    executionTime: Math.round(fields.executionTime),
    memory: `${Math.round(fields.memoryUsedMb)}/${fields.memoryLimitMb} MB`,
    log: fields.log,
    endpoint: fields.endpoint,
    method: fields.method,
    statusCode: fields.statusCode,
    instance: fields.instance,
  };
  if (fields.error) record.error = fields.error;
  if (fields.functionId !== undefined) record.functionId = fields.functionId;
  if (fields.accountId !== undefined) record.accountId = fields.accountId;
  if (fields.outbound !== undefined) record.outbound = fields.outbound;
  if (fields.outboundDropped !== undefined) record.outboundDropped = fields.outboundDropped;
  return record;
}
