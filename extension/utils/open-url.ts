import { browser } from 'wxt/browser';

/** Same page for our purposes: same origin and path (query and fragment may differ). */
export function samePage(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/$/, '') === y.pathname.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/**
 * Without the optional `tabs` permission the browser hides every tab's URL, so we cannot know
 * whether the page is already open; the person grants it from the popup to get focus-instead-of-open.
 */
export async function canReadTabs(): Promise<boolean> {
  try {
    return await browser.permissions.contains({ permissions: ['tabs'] });
  } catch {
    return false;
  }
}

/** Focuses a tab already showing `url` (and raises its window), or opens it in a new tab. */
export async function openUrl(
  url: string,
  readTabs: () => Promise<boolean> = canReadTabs,
): Promise<'focused' | 'opened'> {
  if (await readTabs()) {
    const tabs = await browser.tabs.query({});
    const existing = tabs.find((t) => t.url !== undefined && samePage(t.url, url));
    if (existing?.id !== undefined) {
      await browser.tabs.update(existing.id, { active: true });
      if (existing.windowId !== undefined) {
        await browser.windows.update(existing.windowId, { focused: true });
      }
      return 'focused';
    }
  }
  await browser.tabs.create({ url, active: true });
  return 'opened';
}
