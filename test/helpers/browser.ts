import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it with apt); playwright's own download cannot run here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless chromium as the dashboard's tests and bench drive it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the networking flags chromium keeps trying to reach Google's services, which this
    // machine's closed network refuses many times a second.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
