import { playwright } from '@vitest/browser-playwright';

// Vitest's browser mode on the system's headless Debian chromium (no tool downloads a browser;
// CI installs it when a package.json names @vitest/browser-playwright), shared by the packages
// whose tests also run in a real browser.
const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The `test.browser` options of a package's browser project. */
export function chromium() {
  return {
    enabled: true,
    headless: true,
    provider: playwright({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args } }),
    instances: [{ browser: 'chromium' as const }],
  };
}
