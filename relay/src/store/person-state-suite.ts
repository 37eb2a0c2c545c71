import type { StateEntry } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import type { PersonStateStore } from './person-state';

/** The contract every backend's person state keeps (the store is created with at most 5 entries). */
export function describePersonState(name: string, create: () => Promise<PersonStateStore>): void {
  describe(`PersonStateStore contract: ${name}`, () => {
    it('numbers each change with the person’s next rev and resumes after a rev', async () => {
      const store = await create();
      const first = await store.put(
        'alice',
        [
          { key: 'read:t1', value: { seq: 3 } },
          { key: 'settings', value: { remindAfterMs: 0 } },
        ],
        1000,
      );
      expect(first).toEqual({
        head: 2,
        results: [
          { key: 'read:t1', applied: true, rev: 1 },
          { key: 'settings', applied: true, rev: 2 },
        ],
      });
      await store.put('alice', [{ key: 'read:t1', value: { seq: 5 } }], 2000);
      expect(await store.read('alice', 0)).toEqual({
        head: 3,
        reset: false,
        entries: [
          { key: 'settings', rev: 2, at: 1000, value: { remindAfterMs: 0 } },
          { key: 'read:t1', rev: 3, at: 2000, value: { seq: 5 } },
        ],
      });
      expect((await store.read('alice', 2)).entries.map((e) => e.rev)).toEqual([3]);
      expect(await store.read('alice', 3)).toEqual({ head: 3, reset: false, entries: [] });
      await store.close();
    });

    it('keeps each person’s state apart', async () => {
      const store = await create();
      await store.put('alice', [{ key: 'read:t1', value: { seq: 1 } }], 1);
      expect(await store.read('bob', 0)).toEqual({ head: 0, reset: false, entries: [] });
      await store.put('bob', [{ key: 'read:t9', value: { seq: 9 } }], 1);
      expect((await store.read('bob', 0)).entries.map((e) => e.key)).toEqual(['read:t9']);
      await store.forget('alice');
      expect(await store.read('alice', 0)).toEqual({ head: 0, reset: false, entries: [] });
      await store.close();
    });

    it('applies ifRev only while it holds, and never takes an item back to an older seq', async () => {
      const store = await create();
      const ring = { seq: 2, slot: 100, by: 'chromium' };
      const race = await Promise.all(
        ['chromium', 'firefox'].map((by) =>
          store.put('alice', [{ key: 'ring:t1', value: { ...ring, by }, ifRev: 0 }], 5),
        ),
      );
      const outcomes = race.map((r) => r.results[0]!);
      expect(outcomes.filter((r) => r.applied)).toHaveLength(1);
      const lost = outcomes.find((r) => !r.applied);
      expect(lost).toMatchObject({ applied: false, reason: 'conflict', current: { rev: 1 } });
      await store.put('alice', [{ key: 'read:t1', value: { seq: 7 } }], 6);
      const stale = await store.put('alice', [{ key: 'read:t1', value: { seq: 6 } }], 7);
      expect(stale.results[0]).toEqual({
        key: 'read:t1',
        applied: false,
        reason: 'stale',
        current: { key: 'read:t1', rev: 2, at: 6, value: { seq: 7 } },
      });
      expect(stale.head).toBe(2);
      await store.close();
    });

    it('bounds a flood: the oldest item entries go, the settings stay, and a reader that far behind is reset', async () => {
      const store = await create();
      await store.put('alice', [{ key: 'settings', value: { muteUntil: 0 } }], 1);
      const flood = Array.from({ length: 40 }, (_, i) => ({
        key: `read:t${i}`,
        value: { seq: i + 1 },
      }));
      await store.put('alice', flood, 2);
      const all = await store.read('alice', 0);
      expect(all.head).toBe(41);
      expect(all.reset).toBe(true);
      expect(all.entries.map((e) => e.key)).toEqual([
        'settings',
        'read:t36',
        'read:t37',
        'read:t38',
        'read:t39',
      ]);
      expect((await store.read('alice', 39)).reset).toBe(false);
      await store.close();
    });

    it('a reader ahead of the store (it was recreated) is reset', async () => {
      const store = await create();
      await store.put('alice', [{ key: 'read:t1', value: { seq: 1 } }], 1);
      expect(await store.read('alice', 50)).toMatchObject({ head: 1, reset: true });
      await store.close();
    });

    it('feeds every committed change in rev order, not the refused ones', async () => {
      const store = await create();
      const fed: [string, StateEntry[]][] = [];
      let wake: () => void = () => undefined;
      const arrived = (n: number) =>
        new Promise<void>((resolve) => {
          wake = () => fed.length >= n && resolve();
          wake();
        });
      await store.subscribe((user, entries) => {
        fed.push([user, entries]);
        wake();
      });
      await store.put('alice', [{ key: 'read:t1', value: { seq: 1 } }], 1);
      await store.put(
        'bob',
        [
          { key: 'read:t1', value: { seq: 1 } },
          { key: 'snooze:t1', value: { seq: 1, until: 9 } },
        ],
        2,
      );
      await store.put(
        'alice',
        [{ key: 'ring:t1', value: { seq: 1, slot: 1, by: 'x' }, ifRev: 3 }],
        3,
      );
      await store.put('alice', [{ key: 'read:t2', value: { seq: 2 } }], 4);
      await arrived(3);
      expect(fed.map(([u, e]) => [u, e.map((x) => `${x.key}@${x.rev}`)])).toEqual([
        ['alice', ['read:t1@1']],
        ['bob', ['read:t1@1', 'snooze:t1@2']],
        ['alice', ['read:t2@2']],
      ]);
      await store.close();
    });
  });
}
