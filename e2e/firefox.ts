// Firefox (Debian's firefox-esr) with the built extension installed, driven over WebDriver BiDi by
// puppeteer-core: Playwright drives only its own patched Firefox, and its BiDi channel needs
// commands ESR 153 lacks. Headed on the run's Xvfb with the run's D-Bus (both reach it through
// the environment, as they reach Chromium), so its toasts go to the same dunst as Chromium's and
// the same Toasts helper reads and clicks them (dunst names them "Firefox").
import { expect } from '@playwright/test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirefoxPopup } from './pages/firefox-popup';
import { FIREFOX_EXTENSION_DIR, FIREFOX_OPENER_DIR } from './paths';

/** Herald's add-on id (`browser_specific_settings.gecko.id` in extension/wxt.config.ts). */
export const HERALD_GECKO_ID = 'herald@herald.invalid';
/** The test-only opener's id (firefox-opener/manifest.json). */
const OPENER_GECKO_ID = 'e2e-opener@herald.invalid';
/** The app name dunst shows for Firefox's toasts (`ToastRecord.appname`). */
export const FIREFOX_APP_NAME = 'Firefox';

/** The copy of the Firefox build this run tests (global-setup.ts), or the build itself. */
function firefoxBuild(): string {
  return process.env.HERALD_E2E_FIREFOX_EXTENSION_DIR ?? FIREFOX_EXTENSION_DIR;
}

export class FirefoxBrowser {
  private browser: Browser | null = null;
  private launches = 0;
  /** A new profile with the extension installed in it; launch() after close() reopens it. */
  readonly profileDir: string;
  /** The extension's moz-extension:// host, pinned for this profile. */
  readonly uuid = randomUUID();

  /**
   * Installs the extension into the profile for good, not as a temporary add-on: a temporary
   * add-on is uninstalled when Firefox quits, so "still signed in after a restart" would test a
   * reinstall (onInstalled, not onStartup) unless storage and UUID were kept by prefs no person
   * sets. Instead each add-on is a proxy file in `<profile>/extensions/` named after its id and
   * holding the path of the unpacked build: Firefox installs it at the first start and starts it
   * on every start after, as it does an add-on a person installed. Unsigned add-ons are allowed
   * by `xpinstall.signatures.required=false`, which ESR (and Developer Edition) honour; profile
   * add-ons are enabled without a prompt because puppeteer's profile sets
   * `extensions.autoDisableScopes=0`.
   */
  constructor() {
    this.profileDir = mkdtempSync(join(tmpdir(), 'herald-e2e-firefox-'));
    const extensions = join(this.profileDir, 'extensions');
    mkdirSync(extensions);
    writeFileSync(join(extensions, HERALD_GECKO_ID), firefoxBuild());
    writeFileSync(join(extensions, OPENER_GECKO_ID), FIREFOX_OPENER_DIR);
  }

  get running(): Browser {
    if (!this.browser) throw new Error('Firefox not launched');
    return this.browser;
  }

  async launch(): Promise<Browser> {
    const prefs: Record<string, unknown> = { 'xpinstall.signatures.required': false };
    // The popup's URL has to be known: pin the extension's UUID when it is installed, at the first
    // start. Only then: the pref is the whole id → UUID map, and setting it again at a restart
    // takes every other add-on's UUID away (ESR 153 then started no background page at all).
    if (this.launches === 0) {
      prefs['extensions.webextensions.uuids'] = JSON.stringify({ [HERALD_GECKO_ID]: this.uuid });
    }
    this.browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: '/usr/bin/firefox-esr',
      headless: false,
      userDataDir: this.profileDir,
      defaultViewport: null,
      args: ['--width=1000', '--height=700'],
      extraPrefsFirefox: prefs,
      timeout: 30_000,
      protocolTimeout: 30_000,
    });
    this.launches++;
    return this.browser;
  }

  /** Quits Firefox as a person would; the profile (and the extension in it) stays. */
  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    await browser?.close();
  }

  /** Quits Firefox and removes its profile. */
  async dispose(): Promise<void> {
    await this.close();
    rmSync(this.profileDir, { recursive: true, force: true });
  }

  /**
   * Opens one of the extension's pages in a new tab. BiDi refuses to navigate to moz-extension://
   * URLs, so the tab asks the test-only opener extension (firefox-opener/) to do it; after that
   * the tab is scriptable, but puppeteer's `page.url()` still names the request: read
   * `location.href` instead.
   */
  async openExtensionPage(path: string): Promise<Page> {
    const url = `moz-extension://${this.uuid}/${path}`;
    const page = await this.running.newPage();
    await page.goto(`about:blank#herald-e2e-open=${encodeURIComponent(url)}`);
    await expect
      .poll(() => page.evaluate(() => location.href).catch(() => ''), {
        message: `${path} opened (the opener extension runs)`,
      })
      .toBe(url);
    return page;
  }

  async openPopup(): Promise<FirefoxPopup> {
    return new FirefoxPopup(await this.openExtensionPage('popup.html'));
  }

  /** The URL of every open tab (the extension's own pages included). */
  async tabUrls(): Promise<string[]> {
    const pages = await this.running.pages();
    return Promise.all(
      pages.map((p) =>
        p.url().startsWith('about:blank#herald-e2e-open=')
          ? p.evaluate(() => location.href)
          : Promise.resolve(p.url()),
      ),
    );
  }
}
