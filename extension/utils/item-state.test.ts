import { describe, expect, it } from 'vitest';
import { displayOrder, reconcile } from './item-state';
import type { StateView } from './person-state';
import { badgeText, toRecentItem } from './recent';
import { EMPTY_MIRROR, type RecentItem } from './storage';
import { approval, makeEvent, proposed } from '../test/events';

const NOW = 1_800_000_000_000;
const view = (outbox: Record<string, unknown>): StateView => ({ mirror: EMPTY_MIRROR, outbox });

describe('the list and the person state', () => {
  it('read marks and snoozes from anywhere mark items; those whose toast must go are named', () => {
    const list = [
      toRecentItem(proposed(3, 'A')),
      toRecentItem(proposed(2, 'B')),
      toRecentItem(makeEvent(1)),
    ];
    const { list: next, hidden } = reconcile(
      list,
      view({
        'read:ticket:A': { seq: 3 },
        'snooze:ticket:B': { seq: 2, until: NOW + 1 },
        'read:ticket:1': { seq: 0.5 },
      }),
      NOW,
    );
    expect(next.map((i) => [i.tag, i.read, i.snoozed])).toEqual([
      ['ticket:A', true, undefined],
      ['ticket:B', false, { seq: 2, until: NOW + 1 }],
      ['ticket:1', false, undefined],
    ]);
    expect(hidden).toEqual(['ticket:A', 'ticket:B']);
  });

  it('a read mark for an older seq leaves a newer item unread; a snooze that ran out leaves', () => {
    const item = { ...toRecentItem(proposed(5, 'A')), snoozed: { seq: 5, until: NOW - 1 } };
    const { list, hidden } = reconcile(
      [item],
      view({ 'read:ticket:A': { seq: 4 }, 'snooze:ticket:A': { seq: 5, until: NOW - 1 } }),
      NOW,
    );
    expect(list[0]).toMatchObject({ read: false });
    expect(list[0]).not.toHaveProperty('snoozed');
    expect(hidden).toEqual([]);
  });

  it('gives back the very list when nothing moved, so nothing is written', () => {
    const list = [toRecentItem(proposed(3, 'A'))];
    expect(reconcile(list, view({}), NOW).list).toBe(list);
    expect(reconcile(list, view({ 'read:ticket:A': { seq: 3 } }), NOW).list).not.toBe(list);
  });

  it('what waits comes first, then newest first', () => {
    const list: RecentItem[] = [
      toRecentItem(makeEvent(9)),
      toRecentItem(proposed(8, 'A')),
      toRecentItem(makeEvent(7)),
      toRecentItem(approval(6, 'B')),
    ];
    expect(displayOrder(list).map((i) => i.seq)).toEqual([8, 6, 9, 7]);
  });
});

describe('badge', () => {
  it('counts sticky, undecided, unread, not snoozed items', () => {
    const base = toRecentItem(proposed(1, 'A'));
    const list: RecentItem[] = [
      base,
      { ...base, tag: 'b', read: true },
      { ...base, tag: 'c', snoozed: { seq: 1, until: NOW + 1 } },
      { ...base, tag: 'd', snoozed: { seq: 1, until: NOW - 1 } },
      { ...base, tag: 'e', decided: { action: 'approve', by: 'x', message: '', at: 0 } },
      { ...base, tag: 'f', snoozed: { seq: 1, change: true } },
      toRecentItem(makeEvent(2)),
    ];
    expect(badgeText(list, NOW)).toBe('2');
  });
});
