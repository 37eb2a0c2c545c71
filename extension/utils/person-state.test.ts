import { describe, expect, it } from 'vitest';
import {
  applyEntry,
  applySnapshot,
  readSeq,
  revOf,
  settingsOf,
  snoozeHides,
  snoozeOf,
  type StateView,
} from './person-state';
import { EMPTY_MIRROR, type Mirror } from './storage';

const entry = (key: string, rev: number, value: unknown) => ({ key, rev, at: 1000 + rev, value });
const view = (mirror: Mirror, outbox = {}): StateView => ({ mirror, outbox });

describe('the mirror of the person state', () => {
  it('a snapshot then live frames: newer revs win, rev becomes the head, changed keys are told', () => {
    let m = applySnapshot(EMPTY_MIRROR, {
      head: 3,
      reset: false,
      entries: [entry('read:a', 2, { seq: 5 }), entry('snooze:a', 3, { seq: 5, change: true })],
    });
    expect(m.changed).toEqual(['read:a', 'snooze:a']);
    expect(m.mirror.rev).toBe(3);
    m = applySnapshot(m.mirror, {
      head: 4,
      reset: false,
      entries: [entry('read:a', 4, { seq: 9 })],
    });
    expect(m.changed).toEqual(['read:a']);
    expect(readSeq(view(m.mirror), 'a')).toBe(9);
    expect(m.mirror.rev).toBe(4);
  });

  it('an echo of a rev already held (our own put, a frame seen twice) changes nothing', () => {
    const first = applySnapshot(EMPTY_MIRROR, {
      head: 7,
      reset: false,
      entries: [entry('read:a', 7, { seq: 5 })],
    });
    const again = applySnapshot(first.mirror, {
      head: 7,
      reset: false,
      entries: [entry('read:a', 6, { seq: 2 }), entry('read:a', 7, { seq: 5 })],
    });
    expect(again.changed).toEqual([]);
    expect(readSeq(view(again.mirror), 'a')).toBe(5);
  });

  it('reset replaces everything, even with lower revs, and tells every key that moved', () => {
    const held = applySnapshot(EMPTY_MIRROR, {
      head: 50,
      reset: false,
      entries: [entry('read:a', 40, { seq: 5 }), entry('read:b', 50, { seq: 6 })],
    }).mirror;
    const reset = applySnapshot(held, {
      head: 2,
      reset: true,
      entries: [entry('read:a', 1, { seq: 5 }), entry('read:c', 2, { seq: 1 })],
    });
    expect(reset.mirror.rev).toBe(2);
    expect(Object.keys(reset.mirror.entries).sort()).toEqual(['read:a', 'read:c']);
    expect(reset.changed.sort()).toEqual(['read:b', 'read:c']);
  });

  it("a POST's answer: applied takes its rev, refused takes the relay's value, null removes", () => {
    let m = applyEntry(EMPTY_MIRROR, 'ring:a', {
      rev: 3,
      at: 1,
      value: { seq: 1, slot: 5, by: 'x' },
    });
    expect(revOf(view(m), 'ring:a')).toBe(3);
    expect(m.rev).toBe(0);
    m = applyEntry(m, 'ring:a', { rev: 5, at: 1, value: { seq: 1, slot: 9, by: 'y' } });
    expect(revOf(view(m), 'ring:a')).toBe(5);
    expect(applyEntry(m, 'ring:a', null).entries).toEqual({});
  });

  it('reads values through the outbox first; a value of the wrong shape is ignored alone', () => {
    const mirror = applySnapshot(EMPTY_MIRROR, {
      head: 2,
      reset: false,
      entries: [entry('read:a', 1, { seq: 'x' }), entry('settings', 2, { remindAfterMs: 0 })],
    }).mirror;
    expect(readSeq(view(mirror), 'a')).toBe(0);
    expect(settingsOf(view(mirror))).toEqual({ remindAfterMs: 0 });
    expect(readSeq(view(mirror, { 'read:a': { seq: 8 } }), 'a')).toBe(8);
  });
});

describe('snoozes', () => {
  it('a timed one hides until its time, whatever arrives; "until it changes" until a newer seq', () => {
    const v = view(EMPTY_MIRROR, {
      'snooze:a': { seq: 4, until: 100 },
      'snooze:b': { seq: 4, change: true },
    });
    expect(snoozeHides(snoozeOf(v, 'a'), 9, 99)).toBe(true);
    expect(snoozeHides(snoozeOf(v, 'a'), 9, 100)).toBe(false);
    expect(snoozeHides(snoozeOf(v, 'b'), 4, 10 ** 12)).toBe(true);
    expect(snoozeHides(snoozeOf(v, 'b'), 5, 0)).toBe(false);
    expect(snoozeHides(undefined, 1, 0)).toBe(false);
  });
});
