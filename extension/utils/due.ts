import type { PersonSettings } from '@herald/shared';
import { stateKey } from '@herald/shared';
import { revOf, ringOf, snoozeOf, type StateView } from './person-state';
import { matters, waits } from './item-state';
import { quietAt, remindAfterMs } from './settings';
import type { RecentItem } from './storage';

/** A toast due again now: a snooze's end, or a reminder, at `slot` (the time it was due). */
export interface DueRing {
  tag: string;
  seq: number;
  slot: number;
  reason: 'snooze' | 'remind';
  /** The rev of `ring:<tag>` this decision saw (0: none): the claim is made against it. */
  ifRev: number;
}

/** When the item arrived, by the relay's clock when known: reminders count from it. */
export function arrivedAt(item: RecentItem): number {
  return item.ts ?? Date.parse(item.at);
}

/**
 * What rings now, and when to look again. A snooze that ran out rings once (its slot is its end),
 * for an item that arrived before that end and still matters (unread, or waiting). A sticky item
 * still undecided rings at arrival + k·interval (k ≥ 1), the latest such slot only, at most once
 * per interval after the last ring (`ring:<tag>` holds it, shared by every browser), and not for a
 * slot that passed before this browser listed the item (after time away the catch-up has just
 * shown it: no burst of reminders on top). A slot that falls in quiet hours (or a mute) is
 * skipped, not delayed.
 */
export function dueWork(
  list: readonly RecentItem[],
  view: StateView,
  settings: PersonSettings,
  now: number,
): { ring: DueRing[]; next: number | undefined } {
  const ring: DueRing[] = [];
  let next: number | undefined;
  const later = (at: number) => {
    next = next === undefined ? at : Math.min(next, at);
  };
  const interval = remindAfterMs(settings);
  for (const item of list) {
    if (item.decided || item.resolves) continue;
    const rang = ringOf(view, item.tag);
    const ifRev = revOf(view, stateKey('ring', item.tag));
    const lastRung = rang && rang.seq === item.seq ? rang.slot : 0;
    const snooze = snoozeOf(view, item.tag);
    const until = snooze && 'until' in snooze ? snooze.until : 0;
    if (until > now) {
      later(until);
      continue;
    }
    if (snooze && !('until' in snooze) && snooze.seq >= item.seq) continue;
    if (until > 0 && until > arrivedAt(item) && lastRung < until && matters(item)) {
      if (!quietAt(settings, until, item.sticky)) {
        ring.push({ tag: item.tag, seq: item.seq, slot: until, reason: 'snooze', ifRev });
        continue;
      }
    }
    const since = arrivedAt(item);
    if (!waits(item) || interval <= 0 || !Number.isFinite(since)) continue;
    const k = Math.floor((now - since) / interval);
    const slot = since + k * interval;
    const heard = slot >= lastRung + interval && slot >= (item.listedAt ?? 0);
    if (k >= 1 && heard && !quietAt(settings, slot, true)) {
      ring.push({ tag: item.tag, seq: item.seq, slot, reason: 'remind', ifRev });
    }
    later(since + (k + 1) * interval);
  }
  return { ring, next };
}
