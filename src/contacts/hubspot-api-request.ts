// One call to HubSpot's API, its outcome sorted into the few cases the contact lookup treats
// differently (SPEC R27): found, not found (cached), refused for the token (401/403, a clear
// warning), and transient trouble (429, 5xx, timeout, network: warned, cached briefly). Never throws.

/** The outcome of one HubSpot API call. */
export type ApiOutcome =
  | { kind: 'ok'; json: unknown }
  | { kind: 'not-found'; status: number }
  | { kind: 'unauthorized'; status: number }
  | { kind: 'unavailable'; status: number; retryAfter: string | null }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string };

/** The outcomes that are not answers. */
export type ApiFailure = Exclude<ApiOutcome, { kind: 'ok' } | { kind: 'not-found' }>;

/** Calls `url` with the bearer token and sorts the answer; `signal` aborts it at the lookup's deadline. */
export async function requestHubSpotApi(
  url: string,
  options: { accessToken: string; signal: AbortSignal; method?: 'GET' | 'POST'; body?: unknown },
): Promise<ApiOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${options.accessToken}`,
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    return failureOf(error, options.signal);
  }
  const status = response.status;
  try {
    if (status >= 200 && status < 300) {
      const text = await response.text();
      try {
        return { kind: 'ok', json: text === '' ? null : JSON.parse(text) };
      } catch {
        return { kind: 'network', message: `HubSpot answered ${status} with a body that is not JSON` };
      }
    }
    // The body is not needed, but it must be consumed or cancelled to free the connection.
    await response.body?.cancel().catch(() => undefined);
  } catch (error) {
    return failureOf(error, options.signal);
  }
  if (status === 404) return { kind: 'not-found', status };
  if (status === 401 || status === 403) return { kind: 'unauthorized', status };
  return { kind: 'unavailable', status, retryAfter: response.headers.get('retry-after') };
}

/** One line saying what went wrong and what to do, for the warning sink. */
export function describeApiFailure(failure: ApiFailure, what: string, timeoutMs: number): string {
  switch (failure.kind) {
    case 'unauthorized':
      return `HubSpot refused ${what} with ${failure.status}: check the access token and give it the scopes `
        + '`crm.objects.contacts.read` and `crm.lists.read`; contacts are null until it is fixed';
    case 'unavailable':
      return `HubSpot answered ${failure.status} to ${what}`
        + (failure.retryAfter === null ? '' : ` (Retry-After: ${failure.retryAfter})`)
        + (failure.status === 429 ? '; the app is over its API rate limit' : '; HubSpot may be having trouble')
        + ', so the function runs with contact null';
    case 'timeout':
      return `HubSpot did not answer ${what} within ${timeoutMs} ms; the function runs with contact null `
        + '(raise `timeoutMs` if this is frequent)';
    case 'network':
      return `${what} failed (${failure.message}); the function runs with contact null`;
  }
}

function failureOf(error: unknown, signal: AbortSignal): ApiFailure {
  if (signal.aborted) return { kind: 'timeout' };
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return { kind: 'network', message: `${error instanceof Error ? error.message : String(error)}${cause}` };
}
