// The popup, driven through the names a screen reader would announce.
import { expect, type Locator, type Page } from '@playwright/test';

export const EVENT_TYPES = [
  'Proposed resolution',
  'Other status changes',
  'Approvals',
  'Questions',
  'Lifecycle',
  'Messages',
  'Other sources',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * What a test does with the popup in either browser: PopupPage in Chromium (Playwright), and
 * FirefoxPopup (pages/firefox-popup.ts) in Firefox. Helpers that take a Popup work in both.
 */
export interface Popup {
  signIn(relayUrl: string, username: string, password: string): Promise<void>;
  expectSignedOut(): Promise<void>;
  expectConnected(): Promise<void>;
  /** Sets a toggle and waits until the popup shows it set. */
  setEventType(name: EventType, on: boolean): Promise<void>;
  /** The data-seq of every item of the recent list, top to bottom. */
  recentSeqs(): Promise<number[]>;
  /** The text of every item of the recent list, top to bottom. */
  recentTexts(): Promise<string[]>;
  /** Clicks the button with this name. */
  click(button: string): Promise<void>;
  /**
   * Sends the worker a request as the popup does (extension/utils/worker-requests.ts): for the
   * test hooks (a snooze of a few seconds, a reminder interval of a few seconds).
   */
  ask(request: WorkerRequest): Promise<unknown>;
  /** What the toolbar button's badge says. */
  badgeText(): Promise<string>;
  /** The extension's storage.local entries under `key`. */
  storageLocal(key: string): Promise<Record<string, unknown>>;
}

/** The worker requests the tests send (a subset of extension/utils/worker-requests.ts). */
export type WorkerRequest =
  | { type: 'snooze'; tag: string; choice: 'hour' | 'tomorrow' | 'change' | 'off'; ms?: number }
  | { type: 'settings'; settings: { remindAfterMs?: number } };

export class PopupPage implements Popup {
  readonly relayUrl: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly signInButton: Locator;
  readonly signOutButton: Locator;
  readonly status: Locator;
  readonly alert: Locator;
  readonly recent: Locator;
  readonly recentItems: Locator;

  constructor(readonly page: Page) {
    this.relayUrl = page.getByLabel('Relay URL');
    this.username = page.getByLabel('Username');
    this.password = page.getByLabel('Password');
    this.signInButton = page.getByRole('button', { name: 'Sign in' });
    this.signOutButton = page.getByRole('button', { name: 'Sign out' });
    this.status = page.getByRole('status');
    this.alert = page.getByRole('alert');
    this.recent = page.getByRole('list', { name: 'Recent events' });
    this.recentItems = this.recent.getByRole('listitem');
  }

  static async open(page: Page, extensionId: string): Promise<PopupPage> {
    // The size the toolbar popup has, so screenshots look like the real thing.
    await page.setViewportSize({ width: 360, height: 520 });
    await page.goto(`chrome-extension://${extensionId}/popup.html`);
    return new PopupPage(page);
  }

  async signIn(relayUrl: string, username: string, password: string): Promise<void> {
    await this.relayUrl.fill(relayUrl);
    await this.username.fill(username);
    await this.password.fill(password);
    await this.signInButton.click();
  }

  async expectSignedOut(): Promise<void> {
    await expect(this.signInButton).toBeVisible();
    await expect(this.relayUrl).toBeVisible();
    await expect(this.signOutButton).toBeHidden();
  }

  async expectConnected(): Promise<void> {
    await expect(this.status).toContainText('Connected');
    await expect(this.signInButton).toBeHidden();
  }

  eventType(name: EventType): Locator {
    return this.page.getByRole('checkbox', { name, exact: true });
  }

  /** Sets a toggle and waits until the popup shows it set. */
  async setEventType(name: EventType, on: boolean): Promise<void> {
    await this.eventType(name).setChecked(on);
    await expect(this.eventType(name)).toBeChecked({ checked: on });
  }

  /** The data-seq of every item of the recent list, top to bottom. */
  async recentSeqs(): Promise<number[]> {
    const seqs = await this.recentItems.evaluateAll((items) =>
      items.map((li) => Number(li.getAttribute('data-seq'))),
    );
    return seqs;
  }

  async click(button: string): Promise<void> {
    await this.page.getByRole('button', { name: button, exact: true }).click();
  }

  ask(request: WorkerRequest): Promise<unknown> {
    return this.page.evaluate((r) => chrome.runtime.sendMessage(r), request);
  }

  badgeText(): Promise<string> {
    return this.page.evaluate(() => chrome.action.getBadgeText({}));
  }

  storageLocal(key: string): Promise<Record<string, unknown>> {
    return this.page.evaluate((k) => chrome.storage.local.get(k), key);
  }

  async recentTexts(): Promise<string[]> {
    return (await this.recentItems.allTextContents()).map((t) => t.trim());
  }

  /** Recent items whose text contains `text`. */
  recentItem(text: string): Locator {
    return this.recentItems.filter({ hasText: text });
  }

  mute(label: 'Mute 1 hour' | 'Mute until tomorrow' | 'Unmute'): Promise<void> {
    return this.page.getByRole('button', { name: label }).click();
  }
}
