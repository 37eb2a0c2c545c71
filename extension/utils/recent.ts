import type { HeraldEvent } from '@herald/shared';
import { snoozedNow, waits } from './item-state';
import { updateLocal, type Decided, type RecentItem } from './storage';
import { showBadge } from './toolbar';

export const RECENT_LIMIT = 50;
/**
 * After an item is decided, the upstream's own news about it (the tracker's "Resolved: …") is
 * listed but not toasted for this long: the person already heard the outcome.
 */
export const DECIDED_QUIET_MS = 10 * 60 * 1000;

export function toRecentItem(event: HeraldEvent): RecentItem {
  return {
    seq: event.seq,
    id: event.id,
    topic: event.topic,
    tag: event.tag,
    kind: event.kind,
    title: event.title,
    body: event.body,
    url: event.url,
    source: event.source,
    sticky: event.sticky && !event.resolves,
    resolves: event.resolves,
    at: event.at,
    ts: event.ts,
    read: false,
    ...(event.actions?.length ? { actions: event.actions } : {}),
  };
}

/**
 * Newest first, one entry per tag (like the toasts: a newer event for a ticket replaces the older
 * one, so a resolved approval no longer counts as waiting), at most RECENT_LIMIT. An update that
 * does not wait on anyone (the upstream's resolution) keeps the outcome of a decided item; a new
 * sticky event for the tag is a new question and starts undecided.
 */
export function addRecent(list: readonly RecentItem[], item: RecentItem): RecentItem[] {
  const decided = item.sticky ? undefined : list.find((i) => i.tag === item.tag)?.decided;
  const added = decided && !item.decided ? { ...item, decided } : item;
  return [added, ...list.filter((i) => i.tag !== item.tag)].slice(0, RECENT_LIMIT);
}

/**
 * Is `event` news about an item decided within DECIDED_QUIET_MS, so it must not toast? Only
 * non-sticky events are: a new sticky one for the tag asks something new.
 */
export function quietAfterDecision(
  list: readonly RecentItem[],
  event: { tag: string; sticky: boolean; ts: number },
): boolean {
  if (event.sticky) return false;
  const decided = list.find((i) => i.tag === event.tag)?.decided;
  return decided !== undefined && event.ts - decided.at <= DECIDED_QUIET_MS;
}

/**
 * Does an answer to the event `seq` apply to this item? To that very event, or to a later update
 * that offers nothing to answer (its resolution); not to a newer question with the same tag.
 */
export function decisionApplies(item: RecentItem, seq: number): boolean {
  return item.seq === seq || !item.actions?.length;
}

/** Marks the item the answer was for as decided: no more actions, no longer waiting. */
export function markDecided(
  list: readonly RecentItem[],
  tag: string,
  seq: number,
  decided: Decided,
): RecentItem[] {
  return list.map((i) =>
    i.tag === tag && decisionApplies(i, seq) ? { ...i, decided, sticky: false } : i,
  );
}

export function markRead(list: readonly RecentItem[], tag: string): RecentItem[] {
  return list.map((i) => (i.tag === tag ? { ...i, read: true } : i));
}

/** The list itself when nothing is unread, so `updateRecent` writes nothing. */
export function markAllRead(list: RecentItem[]): RecentItem[] {
  return list.some((i) => !i.read) ? list.map((i) => (i.read ? i : { ...i, read: true })) : list;
}

/**
 * The badge counts what waits on the person and they have not seen to: sticky, undecided, unread
 * and not snoozed. In Firefox, whose toasts vanish after seconds, this is what stays.
 */
export function unreadStickyCount(list: readonly RecentItem[], now = Date.now()): number {
  return list.filter((i) => waits(i) && !i.read && !snoozedNow(i, now)).length;
}

export function badgeText(list: readonly RecentItem[], now = Date.now()): string {
  const n = unreadStickyCount(list, now);
  if (n === 0) return '';
  return n > 99 ? '99+' : String(n);
}

/**
 * Read-modify-write of the stored list, one change at a time so concurrent events cannot lose an
 * entry; the badge follows each write. A change that returns the very list it was given writes
 * nothing (the popup is not woken).
 */
export function updateRecent(change: (list: RecentItem[]) => RecentItem[]): Promise<RecentItem[]> {
  return updateLocal('recent', change, (list) => showBadge(badgeText(list)));
}
