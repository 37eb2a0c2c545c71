/**
 * The extension's toolbar button: its badge and its popup. One file for the one browser
 * capability, whatever the browser calls it.
 */
import { browser } from 'wxt/browser';

/** Firefox MV2 exposes the toolbar button as `browserAction`. */
export function toolbarButton() {
  const b = browser as unknown as {
    action?: typeof browser.action;
    browserAction?: typeof browser.action;
  };
  return b.action ?? b.browserAction;
}

/** The badge: what waits on the person (recent.ts `badgeText`), '' for nothing. */
export async function showBadge(text: string): Promise<void> {
  const button = toolbarButton();
  if (!button) return;
  await button.setBadgeText({ text });
  await button.setBadgeBackgroundColor({ color: '#c62828' });
}
