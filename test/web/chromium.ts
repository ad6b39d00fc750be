/** Debian's Chromium for the page's browser tests, driven by playwright-core. */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's package path; CHROMIUM_PATH for another build (any Chromium playwright-core drives). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launches it headless, or fails with what to install; .ci/run installs it when missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it (Debian/Ubuntu: \`sudo apt-get install chromium\`) or set CHROMIUM_PATH to one.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH });
}

/**
 * Where the browser tests save their screenshots: test-results/ on every run, README's
 * docs/screenshots/ only when asked (`UPDATE_SCREENSHOTS=1 npx vitest run test/web`), so a test
 * run leaves the work tree as it found it.
 */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "test-results/screenshots";
