import type { HeraldEvent } from '@herald/shared';
import { browser } from 'wxt/browser';
import { getLocal, setLocal, type RecentItem } from './storage';

export const RECENT_LIMIT = 50;

export function toRecentItem(event: HeraldEvent): RecentItem {
  return {
    seq: event.seq,
    tag: event.tag,
    kind: event.kind,
    title: event.title,
    body: event.body,
    url: event.url,
    source: event.source,
    sticky: event.sticky && !event.resolves,
    resolves: event.resolves,
    at: event.at,
    read: false,
  };
}

/**
 * Newest first, one entry per tag (like the toasts: a newer event for a ticket replaces the older
 * one, so a resolved approval no longer counts as waiting), at most RECENT_LIMIT.
 */
export function addRecent(list: readonly RecentItem[], item: RecentItem): RecentItem[] {
  return [item, ...list.filter((i) => i.tag !== item.tag)].slice(0, RECENT_LIMIT);
}

export function markRead(list: readonly RecentItem[], tag: string): RecentItem[] {
  return list.map((i) => (i.tag === tag ? { ...i, read: true } : i));
}

export function markAllRead(list: readonly RecentItem[]): RecentItem[] {
  return list.map((i) => (i.read ? i : { ...i, read: true }));
}

/** The badge counts what still waits on the person: unread sticky items. */
export function unreadStickyCount(list: readonly RecentItem[]): number {
  return list.filter((i) => i.sticky && !i.read).length;
}

export function badgeText(list: readonly RecentItem[]): string {
  const n = unreadStickyCount(list);
  if (n === 0) return '';
  return n > 99 ? '99+' : String(n);
}

/** Firefox MV2 exposes the toolbar button as `browserAction`. */
function toolbarButton() {
  const b = browser as unknown as {
    action?: typeof browser.action;
    browserAction?: typeof browser.action;
  };
  return b.action ?? b.browserAction;
}

export async function showBadge(list: readonly RecentItem[]): Promise<void> {
  const button = toolbarButton();
  if (!button) return;
  await button.setBadgeText({ text: badgeText(list) });
  await button.setBadgeBackgroundColor({ color: '#c62828' });
}

/** Read-modify-write of the stored list, serialised so concurrent events cannot lose an entry. */
let queue: Promise<unknown> = Promise.resolve();
export function updateRecent(change: (list: RecentItem[]) => RecentItem[]): Promise<RecentItem[]> {
  const next = queue.then(async () => {
    const list = change(await getLocal('recent'));
    await setLocal('recent', list);
    await showBadge(list);
    return list;
  });
  queue = next.catch(() => undefined);
  return next;
}
