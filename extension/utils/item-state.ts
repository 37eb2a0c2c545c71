import { readSeq, snoozeHides, snoozeOf, type StateView } from './person-state';
import type { RecentItem } from './storage';

/**
 * An item of the recent list as the person's state has it: read once a read mark covers its seq
 * (never unread again: a mark only grows), and `snoozed` while a snooze hides it.
 */
export function withState(item: RecentItem, view: StateView, now: number): RecentItem {
  const read = item.read || readSeq(view, item.tag) >= item.seq;
  const snooze = snoozeOf(view, item.tag);
  const snoozed = snoozeHides(snooze, item.seq, now) ? snooze : undefined;
  if (read === item.read && JSON.stringify(snoozed) === JSON.stringify(item.snoozed)) return item;
  const { snoozed: _was, ...rest } = item;
  return { ...rest, read, ...(snoozed ? { snoozed } : {}) };
}

/**
 * The whole list brought in line with the person's state, and the tags whose toast must go
 * because they became read or snoozed (here or in another browser).
 */
export function reconcile(
  list: readonly RecentItem[],
  view: StateView,
  now: number,
): { list: RecentItem[]; hidden: string[] } {
  const hidden: string[] = [];
  let changed = false;
  const next = list.map((item) => {
    const after = withState(item, view, now);
    changed ||= after !== item;
    if ((after.read && !item.read) || (after.snoozed && !item.snoozed)) hidden.push(item.tag);
    return after;
  });
  // The same list when nothing moved: the caller need not write it (and wake the popup).
  return { list: changed ? next : (list as RecentItem[]), hidden };
}

/** Does the item wait on the person (something to decide), whatever they read? */
export function waits(item: RecentItem): boolean {
  return item.sticky && !item.decided && !item.resolves;
}

/**
 * Does the item still matter: one whose toast would show (unread) or that waits on the person,
 * and nobody decided or resolved it?
 */
export function matters(item: RecentItem): boolean {
  return !item.decided && !item.resolves && (waits(item) || !item.read);
}

/** Is the item hidden by a snooze right now (its stored snooze may have run out since)? */
export function snoozedNow(item: RecentItem, now: number): boolean {
  return snoozeHides(item.snoozed, item.seq, now);
}

/**
 * The list as the popup shows it: what waits on the person first (toasts vanish in Firefox, so
 * this is where they stay), then newest first. The stored order (newest first) is kept within.
 */
export function displayOrder(list: readonly RecentItem[]): RecentItem[] {
  return [...list.filter(waits), ...list.filter((i) => !waits(i))];
}
