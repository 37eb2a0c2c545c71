import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import {
  RECENT_LIMIT,
  addRecent,
  badgeText,
  markAllRead,
  markRead,
  toRecentItem,
  unreadStickyCount,
  updateRecent,
} from './recent';
import { getLocal } from './storage';
import { makeEvent, proposed } from './test-events';

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

  it('concurrent updates are serialised: none is lost', async () => {
    await Promise.all(
      [1, 2, 3, 4, 5].map((seq) =>
        updateRecent((list) => addRecent(list, toRecentItem(proposed(seq, `T${seq}`)))),
      ),
    );
    expect((await getLocal('recent')).map((i) => i.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('5');
  });
});
