// Per test: fresh upstream fakes, a fresh relay (data dir and port) wired to them, a fresh browser
// profile with the built extension, and the toasts the notification server showed during the test.
import { test as base, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startFakeDashboard,
  type FakeDashboard,
  startFakeTracker,
  type FakeTracker,
  writeConnectorConfig,
} from '@herald/testkit/upstreams';
import { startRelayProcess, type RelayProcess } from '@herald/testkit/relay';
import { ExtensionBrowser } from './browser';
import { screenshotScreen, Toasts } from './dunst';
import { FirefoxBrowser } from './firefox';
import type { FirefoxPopup } from './pages/firefox-popup';
import type { Popup, PopupPage } from './pages/popup';

export const ALICE = { name: 'alice', password: 'correct horse battery staple' };
const UPSTREAM_TOKEN = 'e2e-upstream-token-0123456789';

export interface Relay extends RelayProcess {
  /** Token of a publisher allowed on every topic (job runners and other producers). */
  publisherToken: string;
}

interface Fixtures {
  /** Load the extension as if the person had granted the optional `tabs` permission. */
  tabsGranted: boolean;
  /** Launch the browser with `--ignore-certificate-errors` (a proxy with the suite's own cert). */
  ignoreCertificateErrors: boolean;
  /** Topics alice may answer (`user add --act`); none unless a test grants them. */
  aliceAct: string[];
  tracker: FakeTracker;
  dashboard: FakeDashboard;
  relay: Relay;
  toasts: Toasts;
  /** Chromium with the extension, on a fresh profile. */
  ext: ExtensionBrowser;
  /** The popup, signed in as alice and connected. */
  signedIn: PopupPage;
  /**
   * Firefox with the extension installed, on a fresh profile (firefox.ts). Launched only for the
   * tests that ask for it, and it may run beside `ext`: both toast to the same dunst.
   */
  firefox: FirefoxBrowser;
  /** Firefox's popup, signed in as alice and connected. */
  firefoxSignedIn: FirefoxPopup;
}

function desktopPath(name: 'HERALD_E2E_TOAST_LOG' | 'HERALD_E2E_ACTIONS_DIR'): string {
  const path = process.env[name];
  if (!path) throw new Error('no desktop: run the suite through playwright.config.ts');
  return path;
}

/** Launches `browser` for the test, and closes it and removes its profile after. */
async function launched<B extends { launch(): Promise<unknown>; dispose(): Promise<void> }>(
  browser: B,
  use: (browser: B) => Promise<void>,
): Promise<void> {
  try {
    await browser.launch();
    await use(browser);
  } finally {
    await browser.dispose();
  }
}

async function signInAlice<P extends Popup>(popup: P, relay: Relay): Promise<P> {
  await popup.signIn(relay.url, ALICE.name, ALICE.password);
  await popup.expectConnected();
  return popup;
}

/* eslint-disable no-empty-pattern -- Playwright reads a fixture's dependencies from its first parameter's pattern */
export const test = base.extend<Fixtures>({
  tabsGranted: [false, { option: true }],
  ignoreCertificateErrors: [false, { option: true }],
  aliceAct: [[], { option: true }],

  tracker: async ({}, use) => {
    const tracker = await startFakeTracker({ token: UPSTREAM_TOKEN, heartbeatMs: 0 });
    await use(tracker);
    await tracker.close();
  },

  dashboard: async ({}, use) => {
    const dashboard = await startFakeDashboard({ token: UPSTREAM_TOKEN, pingMs: 0 });
    await use(dashboard);
    await dashboard.close();
  },

  relay: async ({ tracker, dashboard, aliceAct }, use, testInfo) => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-e2e-'));
    const dataDir = join(dir, 'data');
    const reconnect = { initialMs: 100, maxMs: 1000, authRetryMs: 1000, idleTimeoutMs: 60_000 };
    const upstreams = { tracker, dashboard };
    const configFile = writeConnectorConfig(dir, upstreams, 'HERALD_E2E_UPSTREAM_TOKEN', reconnect);
    const relay = await startRelayProcess({
      dataDir,
      env: {
        HERALD_CONFIG: configFile,
        HERALD_E2E_UPSTREAM_TOKEN: UPSTREAM_TOKEN,
        HERALD_HEARTBEAT_SECONDS: '5',
      },
    });
    try {
      await relay.addUser(
        ALICE.name,
        ALICE.password,
        ['tickets', 'agents/**', 'jobs/**'],
        aliceAct,
      );
      const publisherToken = await relay.addPublisher('jobs', ['**']);
      // The connectors have subscribed upstream: nothing pushed from now on can be missed.
      await tracker.waitForConnections(1, 10_000);
      await dashboard.waitForConnections(1, 10_000);
      await use(Object.assign(relay, { publisherToken }));
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('relay-log.ndjson', {
          body: relay.logs.map((l) => JSON.stringify(l)).join('\n'),
          contentType: 'application/x-ndjson',
        });
      }
    } finally {
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },

  toasts: async ({}, use, testInfo) => {
    const toasts = new Toasts(
      desktopPath('HERALD_E2E_TOAST_LOG'),
      desktopPath('HERALD_E2E_ACTIONS_DIR'),
    );
    await toasts.start();
    await use(toasts);
    if (testInfo.status !== testInfo.expectedStatus) {
      // What the person would have seen when it failed: the screen, and every toast shown.
      const screen = testInfo.outputPath('screen.png');
      await screenshotScreen(screen);
      await testInfo.attach('screen', { path: screen, contentType: 'image/png' });
      await testInfo.attach('toasts.json', {
        body: JSON.stringify(toasts.shown(), null, 2),
        contentType: 'application/json',
      });
    }
    await toasts.closeAll();
  },

  ext: ({ tabsGranted, ignoreCertificateErrors }, use) =>
    launched(new ExtensionBrowser({ tabsGranted, ignoreCertificateErrors }), use),

  signedIn: async ({ ext, relay, toasts }, use) => {
    void toasts; // started before signing in, so every toast of the session is counted
    await use(await signInAlice(await ext.openPopup(), relay));
  },

  firefox: ({}, use) => launched(new FirefoxBrowser(), use),

  firefoxSignedIn: async ({ firefox, relay, toasts }, use) => {
    void toasts; // as for signedIn
    await use(await signInAlice(await firefox.openPopup(), relay));
  },
});
/* eslint-enable no-empty-pattern */

export { expect };
