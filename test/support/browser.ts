import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (bash .ci/run installs it), driven by playwright-core: never a downloaded browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** Headless, sandbox off (CI runs as root), and nothing phoned home: no update, sync or background requests. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Fails the suite with the fix when Chromium is not installed. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: this test needs Debian's chromium ` +
        "(apt-get install -y --no-install-recommends chromium; bash .ci/run installs it). Never a downloaded browser.",
    );
  }
}

/**
 * Starts Debian's Chromium headless. The first start on a loaded machine has taken over 20 s (a cold disk,
 * a font cache to build), so the wait is a minute, and a start that fails is tried once more before the
 * suite fails with both errors.
 */
export async function launchChromium(): Promise<Browser> {
  requireChromium();
  const launch = () =>
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  try {
    return await launch();
  } catch (first) {
    try {
      return await launch();
    } catch (second) {
      throw new Error(`Chromium did not start twice: ${String(first)}\n${String(second)}`);
    }
  }
}
