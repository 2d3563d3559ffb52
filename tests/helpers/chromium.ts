import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: playwright-core drives it, so no browser is downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Launches headless Chromium. When it is missing this throws, so the browser tests fail loudly
 * instead of being skipped: a green run must mean the pages were really tried in a browser.
 */
export async function launchChromium(): Promise<Browser> {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it (apt-get install chromium, as .ci/run does)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
