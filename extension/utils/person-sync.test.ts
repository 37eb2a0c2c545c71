import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createPersonSync } from './person-sync';
import { DEFAULT_PREFS } from './prefs';
import { seedLegacyPrefs } from '../test/legacy';
import { getLocal, setLocal } from './storage';

const auth = { relayUrl: 'http://r', token: 'tok', user: { name: 'ada', topics: [], act: [] } };

/** A relay answering each put with `answer` (applied, with revs from 10, unless told). */
function relay(answer?: (key: string) => unknown) {
  let rev = 10;
  const calls: { puts: { key: string; value: unknown; ifRev?: number }[] }[] = [];
  const fetchFn = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as (typeof calls)[number];
    calls.push(body);
    const results = body.puts.map(
      (p) => answer?.(p.key) ?? { key: p.key, applied: true, rev: ++rev },
    );
    return new Response(JSON.stringify({ head: rev, results }), { status: 200 });
  });
  return { fetchFn: fetchFn as unknown as typeof fetch, calls };
}

beforeEach(async () => {
  fakeBrowser.reset();
  vi.useFakeTimers();
  await setLocal('auth', auth);
});
afterEach(() => vi.useRealTimers());

describe('person sync', () => {
  it('a change is applied at once, announced, kept in storage and sent; the answer lands in the mirror', async () => {
    const r = relay();
    const sync = createPersonSync({ fetchFn: r.fetchFn });
    const told: string[][] = [];
    sync.onChange(async (keys) => void told.push(keys));
    await sync.markRead([{ tag: 'a', seq: 3 }]);
    expect(told).toEqual([['read:a']]);
    expect(await getLocal('outbox')).toEqual({ 'read:a': { seq: 3 } });
    await sync.flush();
    expect(r.calls).toEqual([{ puts: [{ key: 'read:a', value: { seq: 3 } }] }]);
    expect(await getLocal('outbox')).toEqual({});
    expect((await getLocal('personState')).entries['read:a']).toMatchObject({
      rev: 11,
      value: { seq: 3 },
    });
    // Already read that far: not sent again.
    await sync.markRead([{ tag: 'a', seq: 2 }]);
    expect(told).toHaveLength(1);
  });

  it('what waits survives a restart of the worker and goes with the next snapshot', async () => {
    const offline = createPersonSync({
      fetchFn: vi.fn(async () => Promise.reject(new Error('x'))),
    });
    await offline.markRead([{ tag: 'a', seq: 3 }]);
    const r = relay();
    const restarted = createPersonSync({ fetchFn: r.fetchFn });
    expect(await restarted.stateSince()).toBe(0);
    await restarted.applyFrame({
      head: 4,
      reset: false,
      entries: [{ key: 'settings', rev: 4, at: 1, value: {} }],
    });
    await restarted.flush();
    expect(r.calls).toEqual([{ puts: [{ key: 'read:a', value: { seq: 3 } }] }]);
    expect(await restarted.stateSince()).toBe(4);
  });

  it('migration: the first snapshot without settings takes the toggles and mute this browser had', async () => {
    await seedLegacyPrefs({ ...DEFAULT_PREFS, messages: true });
    await setLocal('muteUntil', Date.now() + 60_000);
    const r = relay();
    const sync = createPersonSync({ fetchFn: r.fetchFn });
    await sync.applyFrame({ head: 0, reset: false, entries: [] });
    await sync.flush();
    expect(r.calls[0]?.puts).toEqual([
      {
        key: 'settings',
        value: { toggles: { ...DEFAULT_PREFS, messages: true }, muteUntil: Date.now() + 60_000 },
      },
    ]);
    expect(sync.settings().toggles?.['messages']).toBe(true);
  });

  it("the relay's settings win over this browser's; unknown fields are kept on a change", async () => {
    await seedLegacyPrefs({ ...DEFAULT_PREFS, messages: true });
    const r = relay();
    const sync = createPersonSync({ fetchFn: r.fetchFn });
    await sync.applyFrame({
      head: 2,
      reset: false,
      entries: [
        { key: 'settings', rev: 2, at: 1, value: { toggles: { messages: false }, future: 1 } },
      ],
    });
    await sync.flush();
    expect(r.calls).toEqual([]);
    expect(await sync.updateSettings({ remindAfterMs: 3000 })).toBe(true);
    expect(await sync.updateSettings({ remindAfterMs: -1 })).toBe(false);
    await sync.flush();
    expect(r.calls[0]?.puts[0]?.value).toEqual({
      toggles: { messages: false },
      future: 1,
      remindAfterMs: 3000,
    });
  });

  it('the kind filter is worked out once per settings document, and kept while the kinds stay', async () => {
    const sync = createPersonSync({ fetchFn: relay().fetchFn });
    await sync.ready();
    const first = sync.kinds();
    expect(sync.kinds()).toBe(first);
    expect(sync.acceptsKind('agent.message')).toBe(false);
    await sync.markRead([{ tag: 'a', seq: 1 }]);
    await sync.updateSettings({ muteUntil: Date.now() + 60_000 });
    expect(sync.kinds()).toBe(first);
    await sync.updateSettings({ toggles: { ...DEFAULT_PREFS, messages: true } });
    expect(sync.kinds()).not.toBe(first);
    expect(sync.acceptsKind('agent.message')).toBe(true);
  });

  it('a ring is claimed with the rev held: won once, lost on conflict (taking what the relay holds)', async () => {
    const current = { key: 'ring:a', rev: 30, at: 1, value: { seq: 1, slot: 5, by: 'other' } };
    let lose = false;
    const r = relay((key) =>
      lose ? { key, applied: false, reason: 'conflict', current } : undefined,
    );
    const sync = createPersonSync({ fetchFn: r.fetchFn });
    expect(await sync.claimRing('a', { seq: 1, slot: 5, by: 'me' }, 0)).toBe('won');
    expect(r.calls[0]?.puts[0]).toMatchObject({ key: 'ring:a', ifRev: 0 });
    lose = true;
    expect(await sync.claimRing('a', { seq: 1, slot: 9, by: 'me' }, 11)).toBe('lost');
    expect(r.calls[1]?.puts[0]).toMatchObject({ ifRev: 11 });
    expect(sync.view().mirror.entries['ring:a']?.rev).toBe(30);
  });

  it('a ring is claimed with the rev its decision saw, not a newer one heard since', async () => {
    // Two browsers due at once: the other's ring arrives here between deciding and claiming.
    // Claiming with the rev held by then would be applied, and both would ring.
    const r = relay(() => undefined);
    const sync = createPersonSync({ fetchFn: r.fetchFn });
    const other = { seq: 1, slot: 5, by: 'other' };
    await sync.applyFrame({
      head: 7,
      reset: false,
      entries: [{ key: 'ring:a', rev: 7, at: 1, value: other }],
    });
    await sync.claimRing('a', { seq: 1, slot: 5, by: 'me' }, 0);
    expect(r.calls.at(-1)?.puts[0]).toMatchObject({ key: 'ring:a', ifRev: 0 });
  });

  it('clear forgets the mirror and the outbox: the next person starts from nothing', async () => {
    const sync = createPersonSync({ fetchFn: vi.fn(async () => Promise.reject(new Error('x'))) });
    await sync.applyFrame({
      head: 9,
      reset: false,
      entries: [{ key: 'read:a', rev: 9, at: 1, value: { seq: 1 } }],
    });
    await sync.clear();
    expect(await sync.stateSince()).toBe(0);
    expect(await getLocal('outbox')).toEqual({});
    expect((await getLocal('personState')).entries).toEqual({});
  });
});
