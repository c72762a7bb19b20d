// Debian's chromium for the browser tests, driven by playwright-core (no browser is downloaded).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The browser binary: CHROMIUM_PATH, else where Debian's package puts it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why browser tests cannot run here, or undefined. Under CI=true a missing browser throws instead. */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const message = `chromium not found at ${CHROMIUM}: install it with: sudo apt-get install chromium`;
  if (process.env.CI === 'true') throw new Error(message);
  return message;
}

/** Starts headless chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}
