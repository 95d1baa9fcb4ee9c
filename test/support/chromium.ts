import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); HERALD_TEST_CHROMIUM names another binary. */
export const CHROMIUM_PATH = process.env.HERALD_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Starts headless Chromium for a browser test; fails (never skips) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install -y --no-install-recommends chromium) or set HERALD_TEST_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
