import { existsSync } from "node:fs";

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
