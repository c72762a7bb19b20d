// A process-wide patch held by reference count: inline isolation's scoped process.env, the console
// capture and the outbound interception (issue #13) are each installed on the first hold and
// removed when the last holder releases, so a host that never holds one pays nothing for it.

/**
 * Makes the `retain` function of a patch: each call holds it (installing it on the first hold)
 * and answers the function that releases this hold (idempotent; the last release uninstalls).
 * @example
 * export const retainConsoleCapture = sharedPatch(install, uninstall);
 * const release = retainConsoleCapture();
 */
export function sharedPatch(install: () => void, uninstall: () => void): () => () => void {
  let holders = 0;
  return () => {
    if (holders++ === 0) install();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--holders === 0) uninstall();
    };
  };
}
