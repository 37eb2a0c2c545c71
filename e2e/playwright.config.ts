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
  use: { trace: 'retain-on-failure', actionTimeout: 10_000 },
});
