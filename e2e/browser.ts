// Headed Chromium with the built extension loaded, on a profile that survives a relaunch.
import {
  chromium,
  expect,
  type BrowserContext,
  type CDPSession,
  type Page,
} from '@playwright/test';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PopupPage } from './pages/popup';
import { EXTENSION_DIR } from './paths';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  // Without these Chromium keeps dialling Google on a machine with no internet.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The app name dunst shows for Chromium's toasts (`ToastRecord.appname`). */
export const CHROMIUM_APP_NAME = 'Chromium';

type WorkerStatus = 'stopped' | 'starting' | 'running' | 'stopping';

interface VersionsUpdated {
  versions: { scriptURL: string; runningStatus: WorkerStatus }[];
}

/** The copy of the build this run tests (global-setup.ts), or the build itself. */
function extensionBuild(): string {
  return process.env.HERALD_E2E_EXTENSION_DIR ?? EXTENSION_DIR;
}

/**
 * Chrome shows a dialog for an optional permission that no automation can click. A person who
 * granted `tabs` has the same extension with that permission active, so for those tests we load a
 * copy whose manifest asks for it up front. Nothing else in the build changes.
 */
function copyWithTabsGranted(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-e2e-ext-'));
  cpSync(extensionBuild(), dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    permissions?: string[];
    optional_permissions?: string[];
  };
  manifest.permissions = [...(manifest.permissions ?? []), 'tabs'];
  manifest.optional_permissions = (manifest.optional_permissions ?? []).filter((p) => p !== 'tabs');
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return dir;
}

/**
 * Chrome names an unpacked extension after its directory: the first 128 bits of the path's
 * SHA-256, written with the letters a-p. Knowing it up front avoids waiting for Playwright's
 * `serviceworker` event, which is known to go missing at times.
 */
function unpackedExtensionId(dir: string): string {
  const hex = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

export interface ExtensionBrowserOptions {
  /** Load the extension as if the person had granted the optional `tabs` permission. */
  tabsGranted?: boolean;
  /**
   * Accept any TLS certificate (`--ignore-certificate-errors`): for a relay behind a proxy whose
   * certificate the suite made itself. A real deployment has one the browser trusts.
   */
  ignoreCertificateErrors?: boolean;
  /**
   * Chromium draws its toasts itself (its message center) instead of handing them to the
   * desktop's notification server: only for pictures of what Chromium shows, buttons included.
   */
  ownToasts?: boolean;
}

export class ExtensionBrowser {
  private ctx: BrowserContext | null = null;
  private probePage: Page | null = null;
  private cdp: CDPSession | null = null;
  private workerStatus: WorkerStatus = 'stopped';
  private readonly extensionDir: string;
  readonly extensionId: string;
  /** A new, empty profile; launch() after close() reopens the same one. */
  readonly profileDir: string;

  constructor(private readonly opts: ExtensionBrowserOptions = {}) {
    this.extensionDir = opts.tabsGranted ? copyWithTabsGranted() : extensionBuild();
    this.extensionId = unpackedExtensionId(this.extensionDir);
    this.profileDir = mkdtempSync(join(tmpdir(), 'herald-e2e-profile-'));
  }

  get context(): BrowserContext {
    if (!this.ctx) throw new Error('browser not launched');
    return this.ctx;
  }

  async launch(): Promise<BrowserContext> {
    this.ctx = await chromium.launchPersistentContext(this.profileDir, {
      executablePath: '/usr/bin/chromium',
      headless: false,
      timeout: 30_000,
      viewport: { width: 1000, height: 700 },
      args: [
        `--disable-extensions-except=${this.extensionDir}`,
        `--load-extension=${this.extensionDir}`,
        ...FLAGS,
        ...(this.opts.ignoreCertificateErrors ? ['--ignore-certificate-errors'] : []),
        ...(this.opts.ownToasts
          ? ['--disable-features=NativeNotifications,SystemNotifications']
          : []),
      ],
    });
    // Opened now, not on first use: a tab opened later would land in front of, say, the ticket
    // tab a toast click just opened.
    await this.probe();
    return this.ctx;
  }

  async close(): Promise<void> {
    const ctx = this.ctx;
    this.ctx = null;
    this.probePage = null;
    this.cdp = null;
    await ctx?.close();
  }

  /** Closes the browser and removes its profile (and the patched extension copy, if any). */
  async dispose(): Promise<void> {
    await this.close();
    rmSync(this.profileDir, { recursive: true, force: true });
    if (this.opts.tabsGranted) rmSync(this.extensionDir, { recursive: true, force: true });
  }

  /**
   * An extension page that runs none of the extension's code, for reading its state without
   * waking the worker (as opening the popup might), and for the CDP session that stops it.
   */
  private async probe(): Promise<Page> {
    if (this.probePage && !this.probePage.isClosed()) return this.probePage;
    // The tab the browser opened with, so the probe adds no tab of its own.
    const page = this.context.pages()[0] ?? (await this.context.newPage());
    const url = `chrome-extension://${this.extensionId}/manifest.json`;
    await expect
      .poll(
        () =>
          page.goto(url).then(
            () => true,
            () => false,
          ),
        { message: 'extension loaded' },
      )
      .toBe(true);
    this.probePage = page;
    return page;
  }

  /** Ids (= tags) of the extension's live notifications. */
  async notificationIds(): Promise<string[]> {
    const page = await this.probe();
    const all = await page.evaluate(() => chrome.notifications.getAll());
    return Object.keys(all).sort();
  }

  async storageLocal(): Promise<Record<string, unknown>> {
    const page = await this.probe();
    return page.evaluate(() => chrome.storage.local.get(null));
  }

  private async serviceWorkerDomain(): Promise<CDPSession> {
    if (this.cdp) return this.cdp;
    const cdp = await this.context.newCDPSession(await this.probe());
    const prefix = `chrome-extension://${this.extensionId}/`;
    cdp.on('ServiceWorker.workerVersionUpdated', (e: VersionsUpdated) => {
      for (const v of e.versions)
        if (v.scriptURL.startsWith(prefix)) this.workerStatus = v.runningStatus;
    });
    await cdp.send('ServiceWorker.enable');
    this.cdp = cdp;
    return cdp;
  }

  /**
   * Stops the worker the way Chrome does when it has been idle: Playwright's own attachment
   * would otherwise keep it alive for ever.
   */
  async stopWorker(): Promise<void> {
    const cdp = await this.serviceWorkerDomain();
    await expect.poll(() => this.workerStatus, { message: 'worker known to CDP' }).toBe('running');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await expect.poll(() => this.workerStatus, { message: 'worker stopped' }).toBe('stopped');
  }

  /** Resolves once the worker runs again (after stopWorker). */
  async waitForWorkerRunning(timeout: number): Promise<void> {
    await this.serviceWorkerDomain();
    await expect
      .poll(() => this.workerStatus, { message: 'worker running again', timeout })
      .toBe('running');
  }

  async openPopup(): Promise<PopupPage> {
    return PopupPage.open(await this.context.newPage(), this.extensionId);
  }

  /**
   * Opens a tab next to the one showing `url` and brings it to the front, like a person moving on
   * to something else (needs the `tabs` permission, as the extension's own tab lookup does).
   */
  async openTabBeside(url: string): Promise<void> {
    const page = await this.probe();
    await page.evaluate(async (url) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url?.startsWith(url));
      if (!tab) throw new Error(`no tab shows ${url}`);
      await chrome.tabs.create({ windowId: tab.windowId, url: 'about:blank', active: true });
    }, url);
  }

  /** How many tabs show `url`, and whether one of them is the tab in front of its window (needs `tabs`). */
  async tabsShowing(url: string): Promise<{ count: number; inFront: boolean }> {
    const page = await this.probe();
    return page.evaluate(async (url) => {
      const tabs = (await chrome.tabs.query({})).filter((t) => t.url?.startsWith(url));
      return { count: tabs.length, inFront: tabs.some((t) => t.active) };
    }, url);
  }
}
