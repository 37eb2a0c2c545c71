import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { ServerMessage } from '@herald/shared';
import { DUE_ALARM } from './due-scheduler';
import { DEFAULT_PREFS } from './prefs';
import { getLocal } from './storage';
import { makeEvent, proposed } from '../test/events';
import { welcome as welcomeOf } from '../test/fake-socket';
import { settle } from '../test/settle';
import { signIn, workerWith } from '../test/worker';

const user = { name: 'ada', topics: ['**'], act: [] };
const welcome = (head: number): ServerMessage => welcomeOf(head, user);
const stateFrame = (head: number, entries: { key: string; value: unknown }[] = [], reset = false) =>
  ({
    type: 'state',
    head,
    reset,
    entries: entries.map((e, i) => ({ ...e, rev: head - entries.length + i + 1, at: 1 })),
  }) as const;

type Put = { key: string; value: unknown; ifRev?: number };

/** The relay's HTTP side: login, and state puts applied (or a ring refused when `lose`). */
function setup(opts: { lose?: boolean } = {}) {
  const posts: Put[][] = [];
  let rev = 100;
  const fetchFn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    if (String(url).endsWith('/v1/login')) {
      return new Response(JSON.stringify({ token: 'tok', user }), { status: 200 });
    }
    if (String(url).endsWith('/v1/me/state')) {
      const { puts } = JSON.parse(String(init?.body)) as { puts: Put[] };
      posts.push(puts);
      const results = puts.map((p) =>
        opts.lose && p.key.startsWith('ring:')
          ? {
              key: p.key,
              applied: false,
              reason: 'conflict',
              current: {
                key: p.key,
                rev: ++rev,
                at: 1,
                value: { ...(p.value as object), by: 'other' },
              },
            }
          : { key: p.key, applied: true, rev: ++rev },
      );
      return new Response(JSON.stringify({ head: rev, results }), { status: 200 });
    }
    return new Response(null, { status: 204 });
  });
  return { ...workerWith(fetchFn), posts };
}

const toastIds = async () => Object.keys(await fakeBrowser.notifications.getAll()).sort();

async function signedIn(t: ReturnType<typeof setup>, head = 0) {
  await signIn(t.worker);
  t.io.last().open();
  t.io.last().receive(welcome(head));
  t.io.last().receive(stateFrame(1, [{ key: 'settings', value: { toggles: DEFAULT_PREFS } }]));
  await settle();
  return t;
}

beforeEach(() => {
  fakeBrowser.reset();
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-11-20T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('the worker and the person state', () => {
  it("resumes the person's state from the rev held; what was read elsewhere is not toasted on replay", async () => {
    const first = await signedIn(setup());
    first.worker.connection.stop();
    const t = setup();
    await t.worker.wake();
    await settle();
    t.io.last().open();
    expect(t.io.last().sent[0]).toMatchObject({ type: 'hello', stateSince: 1 });
    t.io.last().receive(welcome(3));
    t.io.last().receive(stateFrame(2, [{ key: 'read:ticket:T-2', value: { seq: 2 } }]));
    t.io.last().receive({ type: 'event', event: proposed(2, 'T-2') });
    t.io.last().receive({ type: 'event', event: proposed(3, 'T-3') });
    t.io.last().receive({ type: 'caught_up', seq: 3 });
    await settle();
    expect(await toastIds()).toEqual(['ticket:T-3']);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
  });

  it('Mark all read sends every mark in one request and clears the badge', async () => {
    const t = await signedIn(setup());
    for (let seq = 1; seq <= 3; seq++)
      t.io.last().receive({ type: 'event', event: proposed(seq, `T-${seq}`) });
    await settle();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('3');
    t.posts.length = 0;
    await t.worker.handleMessage({ type: 'markAllRead' });
    await settle();
    expect(t.posts).toEqual([
      [3, 2, 1].map((seq) => ({ key: `read:ticket:T-${seq}`, value: { seq } })),
    ]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    expect(await toastIds()).toEqual([]);
  });

  it('a settings change made in another browser re-subscribes the kind filter', async () => {
    const t = await signedIn(setup());
    t.io
      .last()
      .receive(
        stateFrame(2, [
          { key: 'settings', value: { toggles: { ...DEFAULT_PREFS, messages: true } } },
        ]),
      );
    await settle();
    expect(t.io.last().sent.at(-1)).toEqual({
      type: 'subscribe',
      kinds: ['*', '!agent.lifecycle'],
    });
    t.io
      .last()
      .receive({ type: 'event', event: makeEvent(1, { kind: 'agent.message', tag: 'm' }) });
    await settle();
    expect(await toastIds()).toEqual(['m']);
  });

  it('a snooze clears the toast and brings it back at its end on the browser that won the ring', async () => {
    const t = await signedIn(setup());
    t.io.last().receive({ type: 'event', event: { ...proposed(1, 'T-1'), ts: Date.now() } });
    await settle();
    const reply = await t.worker.handleMessage({
      type: 'snooze',
      tag: 'ticket:T-1',
      choice: 'hour',
      ms: 5000,
    });
    expect(reply).toEqual({ ok: true });
    await settle();
    expect(await toastIds()).toEqual([]);
    expect(t.posts.at(-1)).toEqual([
      { key: 'snooze:ticket:T-1', value: { seq: 1, until: Date.now() + 5000 } },
    ]);
    expect((await fakeBrowser.alarms.get(DUE_ALARM))?.scheduledTime).toBe(Date.now() + 30_000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.posts.at(-1)).toEqual([
      {
        key: 'ring:ticket:T-1',
        value: { seq: 1, slot: Date.now(), by: await getLocal('deviceId') },
        ifRev: 0,
      },
    ]);
    expect(await toastIds()).toEqual(['ticket:T-1']);
    expect((await fakeBrowser.notifications.getAll())['ticket:T-1']).toMatchObject({
      silent: false,
    });
  });

  it('the browser that lost the ring does not toast, but counts the item again', async () => {
    const t = await signedIn(setup({ lose: true }));
    t.io.last().receive({ type: 'event', event: { ...proposed(1, 'T-1'), ts: Date.now() } });
    await settle();
    await t.worker.handleMessage({
      type: 'snooze',
      tag: 'ticket:T-1',
      choice: 'tomorrow',
      ms: 5000,
    });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.posts.at(-1)?.[0]?.key).toBe('ring:ticket:T-1');
    expect(await toastIds()).toEqual([]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1');
  });

  it('a reminder rings once per interval for what still waits, not for what was decided', async () => {
    const t = await signedIn(setup());
    await t.worker.handleMessage({ type: 'settings', settings: { remindAfterMs: 3000 } });
    t.io.last().receive({ type: 'event', event: { ...proposed(1, 'T-1'), ts: Date.now() } });
    t.io.last().receive({ type: 'event', event: { ...makeEvent(2), ts: Date.now() } });
    await settle();
    await fakeBrowser.notifications.clear('ticket:T-1');
    const rings = () => t.posts.flat().filter((p) => p.key.startsWith('ring:'));
    await vi.advanceTimersByTimeAsync(2999);
    expect(rings()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await toastIds()).toEqual(['ticket:2', 'ticket:T-1']);
    await vi.advanceTimersByTimeAsync(2999);
    expect(rings()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(rings().map((p) => p.ifRev)).toEqual([0, 102]);
    await t.worker.handleMessage({ type: 'settings', settings: { remindAfterMs: 0 } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rings()).toHaveLength(2);
  });

  it("signing in as someone else forgets the previous person's state", async () => {
    const t = await signedIn(setup());
    t.io.last().receive(stateFrame(5, [{ key: 'read:x', value: { seq: 1 } }]));
    await settle();
    await signIn(t.worker, 'b');
    expect(await getLocal('personState')).toEqual({ rev: 0, entries: {} });
    t.io.last().open();
    expect(t.io.last().sent[0]).toMatchObject({ stateSince: 0 });
  });

  it('mute is part of the settings the relay keeps', async () => {
    const t = await signedIn(setup());
    await t.worker.handleMessage({ type: 'mute', choice: 'hour' });
    expect(t.posts.at(-1)?.[0]).toEqual({
      key: 'settings',
      value: { toggles: DEFAULT_PREFS, muteUntil: Date.now() + 3_600_000 },
    });
  });
});
