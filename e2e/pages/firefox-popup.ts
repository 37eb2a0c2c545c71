// The popup in Firefox, driven over WebDriver BiDi (puppeteer-core) by the same names a screen
// reader announces as PopupPage uses in Chromium: a label's text, a button's name, a role.
// Puppeteer's own ARIA selectors are not reliable over BiDi in Firefox ESR (a field is matched by
// its <label>, a password field not at all), so the few names the popup has are looked up here.
import { expect } from '@playwright/test';
import type { ElementHandle, Page } from 'puppeteer-core';
import type { EventType, Popup, WorkerRequest } from './popup';

/** A text field or checkbox by its label, a button by its name, or the element with a role. */
type Target =
  | { field: string }
  | { button: string }
  | { role: 'status' | 'alert'; name?: undefined };

export class FirefoxPopup implements Popup {
  constructor(readonly page: Page) {}

  /** The visible element a person would find as `target`, or null. */
  private async find(target: Target): Promise<ElementHandle<Element> | null> {
    const handle = await this.page.evaluateHandle((t: Target) => {
      const name = (e: Element | null | undefined) =>
        (e?.getAttribute('aria-label') ?? e?.textContent ?? '').trim().replace(/\s+/g, ' ');
      const candidates: (Element | null)[] =
        'field' in t
          ? Array.from(document.querySelectorAll('label'))
              .filter((l) => name(l) === t.field)
              .map((l) => l.control)
          : 'button' in t
            ? Array.from(document.querySelectorAll('button')).filter((b) => name(b) === t.button)
            : Array.from(document.querySelectorAll(`[role="${t.role}"]`));
      return candidates.find((e) => e?.checkVisibility()) ?? null;
    }, target);
    const element = handle.asElement() as ElementHandle<Element> | null;
    if (!element) await handle.dispose();
    return element;
  }

  /** Waits until `target` is on screen. */
  private async get(target: Target): Promise<ElementHandle<Element>> {
    let found: ElementHandle<Element> | null = null;
    await expect
      .poll(async () => (found = await this.find(target)) !== null, {
        message: `${JSON.stringify(target)} on screen`,
      })
      .toBe(true);
    return found!;
  }

  private async shown(target: Target): Promise<boolean> {
    const element = await this.find(target);
    await element?.dispose();
    return element !== null;
  }

  private async text(target: Target): Promise<string> {
    const element = await this.find(target);
    if (!element) return '';
    const text = await element.evaluate((e) => e.textContent ?? '');
    await element.dispose();
    return text.trim();
  }

  /** Types into the field labelled `label`, replacing what it held, as a person would. */
  async fill(label: string, value: string): Promise<void> {
    const field = await this.get({ field: label });
    await field.evaluate((e) => ((e as HTMLInputElement).value = ''));
    await field.type(value);
    await field.dispose();
  }

  async click(button: string): Promise<void> {
    const element = await this.get({ button });
    await element.click();
    await element.dispose();
  }

  /** What the status line says ("Connected", "Signed out", …). */
  status(): Promise<string> {
    return this.text({ role: 'status' });
  }

  /** What the alert says, in words ('' when there is nothing wrong). */
  alert(): Promise<string> {
    return this.text({ role: 'alert' });
  }

  async signIn(relayUrl: string, username: string, password: string): Promise<void> {
    await this.fill('Relay URL', relayUrl);
    await this.fill('Username', username);
    await this.fill('Password', password);
    await this.click('Sign in');
  }

  async expectSignedOut(): Promise<void> {
    await this.get({ button: 'Sign in' });
    await this.get({ field: 'Relay URL' });
    await expect.poll(() => this.shown({ button: 'Sign out' })).toBe(false);
  }

  async expectConnected(): Promise<void> {
    await expect.poll(() => this.status()).toContain('Connected');
    await expect.poll(() => this.shown({ button: 'Sign in' })).toBe(false);
  }

  private async checked(name: EventType): Promise<boolean> {
    const box = await this.get({ field: name });
    const on = await box.evaluate((e) => (e as HTMLInputElement).checked);
    await box.dispose();
    return on;
  }

  async setEventType(name: EventType, on: boolean): Promise<void> {
    if ((await this.checked(name)) !== on) {
      const box = await this.get({ field: name });
      await box.click();
      await box.dispose();
    }
    await expect
      .poll(() => this.checked(name), { message: `"${name}" ${on ? 'on' : 'off'}` })
      .toBe(on);
  }

  ask(request: WorkerRequest): Promise<unknown> {
    return this.page.evaluate((r) => browser.runtime.sendMessage(r), request);
  }

  badgeText(): Promise<string> {
    return this.page.evaluate(() => browser.browserAction.getBadgeText({}));
  }

  storageLocal(key: string): Promise<Record<string, unknown>> {
    return this.page.evaluate((k) => browser.storage.local.get(k), key);
  }

  recentSeqs(): Promise<number[]> {
    return this.page.evaluate(() =>
      Array.from(document.querySelectorAll('[aria-label="Recent events"] > li')).map((li) =>
        Number(li.getAttribute('data-seq')),
      ),
    );
  }

  recentTexts(): Promise<string[]> {
    return this.page.evaluate(() =>
      Array.from(document.querySelectorAll('[aria-label="Recent events"] > li')).map((li) =>
        (li.textContent ?? '').trim(),
      ),
    );
  }
}
