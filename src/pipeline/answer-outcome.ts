// What the caller gets for how a function's run ended (SPEC R45, R46, R48, R52): its own response
// (with the host's CORS headers), or a JSON error. Secrets are redacted from every string of the
// error (SPEC R33).
import type { MappedResponse, RunOutcome, SerializedError } from '../definitions';
import { redact, redactStrings } from '../env/redactions';
import type { ErrorCode } from '../errors';
import { buildErrorResponse } from '../response/error-response';

/** The response and, for a failure, the error the record keeps (SPEC R60). */
export interface AnsweredOutcome {
  response: MappedResponse;
  error?: SerializedError;
  /** The app function's JSON result (SPEC R40). */
  value?: unknown;
}

function errorMessage(code: ErrorCode, error: SerializedError): string {
  // SPEC R48: outside production the message carries the error and its stack.
  const head = `${error.type}: ${error.message}`;
  const stack = error.stackTrace.filter((l) => l.trim() !== head.trim());
  return stack.length > 0 ? `${code}: ${head}\n${stack.join('\n')}` : `${code}: ${head}`;
}

/** Adds headers (CORS) unless the function set the same name itself. */
function withHeaders(response: MappedResponse, extra: ReadonlyArray<[string, string]>): MappedResponse {
  if (extra.length === 0) return response;
  const own = new Set(response.headers.map(([name]) => name.toLowerCase()));
  const added = extra.filter(([name]) => !own.has(name.toLowerCase()));
  return added.length === 0 ? response : { ...response, headers: [...response.headers, ...added] };
}

/**
 * Maps a run's outcome to what is answered.
 * @param cors headers the host adds to any answer (SPEC R53)
 */
export function answerOutcome(
  outcome: RunOutcome,
  context: { requestId: string; timeoutMs: number; redactions: Array<[string, string]>; production: boolean; cors: ReadonlyArray<[string, string]> },
): AnsweredOutcome {
  const { requestId, production, cors } = context;
  if (outcome.type === 'response') {
    const response = withHeaders(outcome.response, cors);
    return outcome.value === undefined ? { response } : { response, value: outcome.value };
  }
  if (outcome.type === 'timeout') {
    const message = `Task timed out after ${(context.timeoutMs / 1000).toFixed(2)} seconds`;
    const error: SerializedError = { type: 'HSF_TIMEOUT', message, stackTrace: [] };
    return { error, response: buildErrorResponse({ code: 'HSF_TIMEOUT', message, headers: cors }, requestId, production) };
  }
  // SPEC R33: every string the function produced, its error's type included.
  const error = redactStrings(outcome.error, context.redactions);
  // A full pool is refused before running: 503 with Retry-After (issue #3).
  const headers: ReadonlyArray<[string, string]> = outcome.code === 'HSF_OVERLOADED' ? [['Retry-After', '1'], ...cors] : cors;
  const message = redact(errorMessage(outcome.code, error), context.redactions);
  return { error, response: buildErrorResponse({ code: outcome.code, message, headers }, requestId, production) };
}
