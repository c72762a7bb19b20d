// SPEC R30: functions run with TZ=UTC as on Lambda. Worker threads and inline functions share
// the process's time zone, so a host that is not on UTC is told at mount time.
import type { FunctionsWarning } from '../types';

let warned = false;

/** Warns once per process when the host's zone is not UTC. */
export function warnIfHostNotUtc(isolation: 'worker' | 'inline', warn: (w: FunctionsWarning) => void): void {
  if (warned) return;
  const offsetMinutes = new Date().getTimezoneOffset();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (offsetMinutes === 0 && (zone === 'UTC' || zone === 'Etc/UTC' || process.env.TZ === 'UTC')) return;
  warned = true;
  warn({
    code: 'HSF_WARN_HOST_NOT_UTC',
    message: `the host runs in time zone "${zone}", and functions (${isolation} isolation) share it; HubSpot runs them in UTC. Start the host with TZ=UTC so that dates match production.`,
  });
}
