// SPEC R27: the `contact` hook says who the visitor is; a failing or slow hook is logged and
// gives null, and the request still runs.
import { parseCookies } from '../request/cookies';
import type { Contact, ContactHook } from '../types';

/** How long a contact hook may take before the function runs without a contact. */
export const CONTACT_HOOK_TIMEOUT_MS = 2000;

/** Calls the hook with `{ utk, cookies, headers, request }`; never throws. */
export async function lookupContact(
  hook: ContactHook,
  input: { headers: Record<string, string>; request: unknown },
  warn: (message: string) => void,
): Promise<Contact | null> {
  const cookies = parseCookies(input.headers.cookie);
  let timer: NodeJS.Timeout | undefined;
  try {
    const call = Promise.resolve(hook({ utk: cookies.hubspotutk, cookies, headers: input.headers, request: input.request }));
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CONTACT_HOOK_TIMEOUT_MS);
      timer.unref();
    });
    const result = await Promise.race([call, timeout]);
    if (result === 'timeout') {
      call.catch(() => undefined);
      warn(`the contact hook did not answer within ${CONTACT_HOOK_TIMEOUT_MS} ms; the function runs with contact null`);
      return null;
    }
    return result ?? null;
  } catch (error) {
    warn(`the contact hook failed (${error instanceof Error ? error.message : String(error)}); the function runs with contact null`);
    return null;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
