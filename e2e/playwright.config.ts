import { defineConfig } from '@playwright/test';

// Serial on purpose: every test shares one notification server, and "exactly one toast" can only
// be asserted when no other test raises toasts at the same time.
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: './test-results',
  // Browsers are launched by the fixtures (persistent contexts), so a failed test attaches the
  // Xvfb screen, the toasts shown and the relay's log instead of a trace.
  use: { actionTimeout: 10_000 },
});
