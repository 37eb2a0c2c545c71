import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import {
  DECIDED_QUIET_MS,
  RECENT_LIMIT,
  addRecent,
  badgeText,
  markAllRead,
  markDecided,
  markRead,
  quietAfterDecision,
  toRecentItem,
  unreadStickyCount,
  updateRecent,
} from './recent';
import { getLocal, parseLocal } from './storage';
import { approval, makeEvent, proposed } from '../test/events';

beforeEach(() => fakeBrowser.reset());

describe('recent list', () => {
  it('keeps the newest 50, newest first', () => {
    let list = [toRecentItem(makeEvent(1))];
    for (let seq = 2; seq <= 70; seq++) list = addRecent(list, toRecentItem(makeEvent(seq)));
    expect(list).toHaveLength(RECENT_LIMIT);
    expect(list[0]?.seq).toBe(70);
    expect(list.at(-1)?.seq).toBe(21);
  });

  it('one entry per tag: the newer event replaces the older one and moves to the top', () => {
    let list = addRecent([], toRecentItem(proposed(1, 'A')));
    list = addRecent(list, toRecentItem(makeEvent(2)));
    list = addRecent(list, toRecentItem(makeEvent(3, { tag: 'ticket:A', title: 'Resolved' })));
    expect(list.map((i) => [i.seq, i.tag])).toEqual([
      [3, 'ticket:A'],
      [2, 'ticket:2'],
    ]);
  });

  it('new items are unread; the badge counts only unread sticky ones', () => {
    let list = addRecent([], toRecentItem(proposed(1, 'A')));
    list = addRecent(list, toRecentItem(makeEvent(2)));
    list = addRecent(list, toRecentItem(proposed(3, 'B')));
    expect(list.every((i) => !i.read)).toBe(true);
    expect(unreadStickyCount(list)).toBe(2);
    list = markRead(list, 'ticket:A');
    expect(badgeText(list)).toBe('1');
    expect(badgeText(markAllRead(list))).toBe('');
  });

  it('a resolving event is never sticky, even if the producer said so', () => {
    expect(toRecentItem(makeEvent(1, { sticky: true, resolves: true })).sticky).toBe(false);
  });

  it('concurrent updates are queued one after another: none is lost', async () => {
    await Promise.all(
      [1, 2, 3, 4, 5].map((seq) =>
        updateRecent((list) => addRecent(list, toRecentItem(proposed(seq, `T${seq}`)))),
      ),
    );
    expect((await getLocal('recent')).map((i) => i.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('5');
  });
});

describe('decided items', () => {
  const decided = {
    action: 'approve',
    by: 'alice',
    message: 'Approved: Bump zod to 4.6',
    at: 1000,
  };
  const asked = () => addRecent([], toRecentItem(approval(5, 'A')));

  it('an item keeps what it needs to be answered: event id, topic, actions', () => {
    expect(asked()[0]).toMatchObject({ seq: 5, id: 'ev-5', topic: 'agents/alpha' });
    expect(asked()[0]?.actions?.map((a) => a.id)).toEqual(['approve', 'deny']);
  });

  it('marking it decided records the outcome and it no longer waits (badge)', () => {
    const list = markDecided(asked(), 'approval:A', 5, decided);
    expect(list[0]).toMatchObject({ decided, sticky: false });
    expect(badgeText(list)).toBe('');
  });

  it('an answer to an older event does not decide a newer question with the same tag', () => {
    const newer = addRecent(asked(), toRecentItem(approval(8, 'A')));
    expect(markDecided(newer, 'approval:A', 5, decided)[0]?.decided).toBeUndefined();
    const resolution = addRecent(asked(), toRecentItem(makeEvent(9, { tag: 'approval:A' })));
    expect(markDecided(resolution, 'approval:A', 5, decided)[0]?.decided).toEqual(decided);
  });

  it("the upstream's own update keeps the outcome and is quiet for 10 minutes; a new question is not", () => {
    const list = markDecided(asked(), 'approval:A', 5, decided);
    const resolved = makeEvent(9, {
      tag: 'approval:A',
      title: 'Resolved',
      ts: 1000 + DECIDED_QUIET_MS,
    });
    expect(quietAfterDecision(list, resolved)).toBe(true);
    expect(addRecent(list, toRecentItem(resolved))[0]).toMatchObject({ seq: 9, decided });
    expect(quietAfterDecision(list, { ...resolved, ts: 1001 + DECIDED_QUIET_MS })).toBe(false);
    const again = approval(10, 'A', { ts: 2000 });
    expect(quietAfterDecision(list, again)).toBe(false);
    expect(addRecent(list, toRecentItem(again))[0]?.decided).toBeUndefined();
    expect(quietAfterDecision(asked(), resolved)).toBe(false);
  });

  it('a list stored before actions existed still parses', () => {
    const old = { ...toRecentItem(proposed(1, 'T')) } as Record<string, unknown>;
    delete old['id'];
    delete old['topic'];
    expect(parseLocal('recent', [old])).toHaveLength(1);
  });
});
