import type { PersonSettings } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { dueWork } from './due';
import type { StateView } from './person-state';
import { toRecentItem } from './recent';
import { EMPTY_MIRROR, type RecentItem } from './storage';
import { makeEvent, proposed } from '../test/events';

const T = Date.parse('2026-11-20T10:00:00Z'); // a Friday
const MIN = 60_000;
const waiting = (over: Partial<RecentItem> = {}): RecentItem => ({
  ...toRecentItem({ ...proposed(5, 'A'), ts: T }),
  ...over,
});

function view(entries: Record<string, unknown> = {}): StateView {
  const mirror = {
    rev: 1,
    entries: Object.fromEntries(
      Object.entries(entries).map(([k, value]) => [k, { rev: 1, at: 0, value }]),
    ),
  };
  return { mirror: Object.keys(entries).length ? mirror : EMPTY_MIRROR, outbox: {} };
}
const every30: PersonSettings = { remindAfterMs: 30 * MIN };

describe('reminders', () => {
  it('a waiting item rings at arrival + 30 min, not before; the next is then asked for', () => {
    expect(dueWork([waiting()], view(), every30, T + 29 * MIN)).toEqual({
      ring: [],
      next: T + 30 * MIN,
    });
    expect(dueWork([waiting()], view(), every30, T + 31 * MIN)).toEqual({
      ring: [{ tag: 'ticket:A', seq: 5, slot: T + 30 * MIN, reason: 'remind', ifRev: 0 }],
      next: T + 60 * MIN,
    });
  });

  it('at most once per interval: a slot rung (by any browser) does not ring again', () => {
    const rung = view({ 'ring:ticket:A': { seq: 5, slot: T + 30 * MIN, by: 'other' } });
    expect(dueWork([waiting()], rung, every30, T + 59 * MIN).ring).toEqual([]);
    expect(dueWork([waiting()], rung, every30, T + 61 * MIN).ring).toEqual([
      expect.objectContaining({ slot: T + 60 * MIN }),
    ]);
  });

  it('after a long absence, only the latest slot rings, once', () => {
    expect(dueWork([waiting()], view(), every30, T + 5 * 60 * MIN + MIN).ring).toEqual([
      expect.objectContaining({ slot: T + 5 * 60 * MIN }),
    ]);
  });

  it('not for a slot that passed before this browser listed the item (it was away)', () => {
    const late = waiting({ listedAt: T + 45 * MIN });
    expect(dueWork([late], view(), every30, T + 50 * MIN).ring).toEqual([]);
    expect(dueWork([late], view(), every30, T + 61 * MIN).ring).toHaveLength(1);
  });

  it('nothing for what is decided, not sticky, snoozed, or with reminders off; the default is 30 min', () => {
    const now = T + 31 * MIN;
    const decided = waiting({
      decided: { action: 'approve', by: 'bob', message: '', at: T },
      sticky: false,
    });
    const plain = toRecentItem({ ...makeEvent(6), ts: T });
    expect(dueWork([decided, plain], view(), every30, now).ring).toEqual([]);
    expect(dueWork([waiting()], view(), { remindAfterMs: 0 }, now)).toEqual({
      ring: [],
      next: undefined,
    });
    expect(dueWork([waiting()], view(), {}, now).ring).toHaveLength(1);
    const changed = view({ 'snooze:ticket:A': { seq: 5, change: true } });
    expect(dueWork([waiting()], changed, every30, now).ring).toEqual([]);
  });

  it('a slot in quiet hours is skipped (not delayed), unless what waits breaks through', () => {
    const quiet = (stickyBreaksThrough: boolean): PersonSettings => ({
      ...every30,
      quietHours: {
        enabled: true,
        from: '10:15',
        to: '10:45',
        days: [5],
        timeZone: 'UTC',
        stickyBreaksThrough,
      },
    });
    expect(dueWork([waiting()], view(), quiet(false), T + 31 * MIN).ring).toEqual([]);
    // Quiet hours are over, but the 10:30 slot fell inside them: it stays skipped.
    expect(dueWork([waiting()], view(), quiet(false), T + 50 * MIN).ring).toEqual([]);
    expect(dueWork([waiting()], view(), quiet(true), T + 31 * MIN).ring).toHaveLength(1);
    expect(
      dueWork([waiting()], view(), { ...every30, muteUntil: T + 40 * MIN }, T + 31 * MIN).ring,
    ).toEqual([]);
  });
});

describe('snoozes that end', () => {
  const snoozed = view({ 'snooze:ticket:A': { seq: 5, until: T + 10 * MIN } });

  it('are looked at when they end, then ring once at their end', () => {
    expect(dueWork([waiting()], snoozed, every30, T + 5 * MIN)).toEqual({
      ring: [],
      next: T + 10 * MIN,
    });
    expect(dueWork([waiting()], snoozed, every30, T + 10 * MIN).ring).toEqual([
      { tag: 'ticket:A', seq: 5, slot: T + 10 * MIN, reason: 'snooze', ifRev: 0 },
    ]);
    const rung = view({
      'snooze:ticket:A': { seq: 5, until: T + 10 * MIN },
      'ring:ticket:A': { seq: 5, slot: T + 10 * MIN, by: 'x' },
    });
    expect(dueWork([waiting()], rung, every30, T + 11 * MIN).ring).toEqual([]);
  });

  it('the reminder after a snooze rang waits a whole interval', () => {
    const rung = view({
      'snooze:ticket:A': { seq: 5, until: T + 20 * MIN },
      'ring:ticket:A': { seq: 5, slot: T + 20 * MIN, by: 'x' },
    });
    expect(dueWork([waiting()], rung, every30, T + 31 * MIN).ring).toEqual([]);
    expect(dueWork([waiting()], rung, every30, T + 61 * MIN).ring).toHaveLength(1);
  });

  it('an item that arrived after the snooze ended, or was read and waits on no one, does not ring', () => {
    const later = waiting({ ts: T + 20 * MIN });
    expect(dueWork([later], snoozed, every30, T + 21 * MIN).ring).toEqual([]);
    const read = { ...toRecentItem({ ...makeEvent(5, { tag: 'ticket:A' }), ts: T }), read: true };
    expect(dueWork([read], snoozed, every30, T + 11 * MIN).ring).toEqual([]);
  });
});
