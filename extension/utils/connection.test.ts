import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE, type HeraldEvent, type ServerMessage } from '@herald/shared';
import { Connection, TIMING, wsUrl, type ConnectionDeps } from './connection';
import type { Auth, ConnectionSnapshot, Cursor } from './storage';
import { sockets, welcome as welcomeOf } from '../test/fake-socket';
import { settle } from '../test/settle';
import { makeEvent } from '../test/events';

const auth: Auth = {
  relayUrl: 'http://127.0.0.1:8787',
  token: 'tok-1',
  user: { name: 'ada', topics: ['**'], act: [] },
};

const welcome = (head: number, epoch = 'e1'): ServerMessage =>
  welcomeOf(head, auth.user, { epoch, resumed: true });

function setup(over: Partial<ConnectionDeps> = {}, stored: { cursor?: Cursor } = {}) {
  const io = sockets();
  const states: ConnectionSnapshot[] = [];
  const seen: { seq: number; replay: boolean }[] = [];
  const store = { auth: auth as Auth | undefined, cursor: stored.cursor };
  const deps: ConnectionDeps = {
    createSocket: io.create,
    loadAuth: async () => store.auth,
    loadCursor: async () => store.cursor,
    saveCursor: async (c) => {
      store.cursor = c;
    },
    kinds: async () => ['*', '!agent.message'],
    onEvent: async (e: HeraldEvent, replay: boolean) => {
      seen.push({ seq: e.seq, replay });
    },
    onReplayDone: vi.fn(async () => undefined),
    onNewEpoch: vi.fn(),
    onRevoked: vi.fn(async () => {
      store.auth = undefined;
    }),
    onState: (s) => states.push(s),
    random: () => 1,
    now: () => Date.now(),
    ...over,
  };
  const conn = new Connection(deps);
  return { conn, io, states, seen, store, deps, state: () => conn.snapshot.state };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('connecting', () => {
  it('says hello with the token, the persisted cursor and the kinds, then is connected', async () => {
    const t = setup({}, { cursor: { since: 41, epoch: 'e1' } });
    t.conn.start();
    await settle();
    expect(t.state()).toBe('connecting');
    expect(t.io.last().url).toBe('ws://127.0.0.1:8787/v1/ws');
    t.io.last().open();
    expect(t.io.last().sent[0]).toEqual({
      type: 'hello',
      token: 'tok-1',
      since: 41,
      epoch: 'e1',
      kinds: ['*', '!agent.message'],
    });
    t.io.last().receive(welcome(41));
    expect(t.state()).toBe('connected');
    expect(t.conn.snapshot.user).toBe('ada');
  });

  it('first sign-in starts at the head and remembers it, so a restart resumes from there', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    expect(t.io.last().sent[0]).not.toHaveProperty('since');
    t.io.last().receive(welcome(12));
    t.io.last().receive({ type: 'caught_up', seq: 12 });
    await settle();
    expect(t.store.cursor).toEqual({ since: 12, epoch: 'e1' });
    expect(t.deps.onReplayDone).toHaveBeenCalledTimes(1);
  });

  it('stays signed out without a token', async () => {
    const t = setup();
    t.store.auth = undefined;
    t.conn.start();
    await settle();
    expect(t.state()).toBe('signed_out');
    expect(t.io.all).toHaveLength(0);
  });

  it('keeps the relay path prefix and uses wss for https', () => {
    expect(wsUrl('https://relay.example/herald/')).toBe('wss://relay.example/herald/v1/ws');
  });
});

describe('events', () => {
  it("hands on the welcome's user before processing the events that follow it", async () => {
    const order: string[] = [];
    const t = setup({
      onUser: async (user) => {
        await Promise.resolve();
        order.push(`user:${user.act.join(',')}`);
      },
      onEvent: async (e) => {
        order.push(`event:${e.seq}`);
      },
    });
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcomeOf(0, { ...auth.user, act: ['tickets'] }, { epoch: 'e1' }));
    t.io.last().receive({ type: 'event', event: makeEvent(1) });
    await settle();
    expect(order).toEqual(['user:tickets', 'event:1']);
  });

  it("asks for the person's state from the rev held, and applies each state frame in order with the events", async () => {
    const order: string[] = [];
    const t = setup(
      {
        stateSince: async () => 17,
        onStateFrame: async (s) => {
          // Slower than an event: a frame still finishes before the events after it start.
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(`state:${s.head}:${s.entries.length}`);
        },
        onEvent: async (e, replay) => {
          order.push(`event:${e.seq}:${replay ? 'replay' : 'live'}`);
        },
      },
      { cursor: { since: 2, epoch: 'e1' } },
    );
    t.conn.start();
    await settle();
    t.io.last().open();
    expect(t.io.last().sent[0]).toMatchObject({ type: 'hello', since: 2, stateSince: 17 });
    t.io.last().receive(welcome(3));
    const entry = { key: 'read:ticket:3', rev: 18, at: 1, value: { seq: 3 } };
    t.io.last().receive({ type: 'state', head: 18, reset: false, entries: [entry] });
    t.io.last().receive({ type: 'event', event: makeEvent(3) });
    t.io.last().receive({ type: 'caught_up', seq: 3 });
    t.io.last().receive({ type: 'state', head: 19, reset: false, entries: [] });
    t.io.last().receive({ type: 'event', event: makeEvent(4) });
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual(['state:18:1', 'event:3:replay', 'state:19:0', 'event:4:live']);
  });

  it('without stateSince the hello does not ask for state', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    expect(t.io.last().sent[0]).not.toHaveProperty('stateSince');
  });

  it('processes each seq once, in order, and persists the cursor after each', async () => {
    const t = setup({}, { cursor: { since: 2, epoch: 'e1' } });
    t.conn.start();
    await settle();
    const s = t.io.last();
    s.open();
    s.receive(welcome(4));
    for (const seq of [1, 2, 3, 4, 3, 5]) s.receive({ type: 'event', event: makeEvent(seq) });
    await settle();
    expect(t.seen).toEqual([
      { seq: 3, replay: true },
      { seq: 4, replay: true },
      { seq: 5, replay: false },
    ]);
    expect(t.store.cursor).toEqual({ since: 5, epoch: 'e1' });
    expect(t.deps.onReplayDone).toHaveBeenCalledTimes(1);
  });

  it('ends the replay where the relay says, even when the head event itself was filtered out', async () => {
    const t = setup({}, { cursor: { since: 0, epoch: 'e1' } });
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcome(10));
    t.io.last().receive({ type: 'event', event: makeEvent(3) });
    await settle();
    expect(t.deps.onReplayDone).not.toHaveBeenCalled();
    t.io.last().receive({ type: 'caught_up', seq: 10 });
    await settle();
    expect(t.deps.onReplayDone).toHaveBeenCalledTimes(1);
    expect(t.seen).toEqual([{ seq: 3, replay: true }]);
  });

  it('a new epoch (relay log replaced) starts the cursor over instead of dropping everything', async () => {
    const t = setup({}, { cursor: { since: 900, epoch: 'old' } });
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcome(2, 'new'));
    t.io.last().receive({ type: 'event', event: makeEvent(1) });
    t.io.last().receive({ type: 'event', event: makeEvent(2) });
    await settle();
    expect(t.deps.onNewEpoch).toHaveBeenCalled();
    expect(t.seen.map((e) => e.seq)).toEqual([1, 2]);
    expect(t.store.cursor).toEqual({ since: 2, epoch: 'new' });
  });

  it('sends subscribe when the toggles change while connected', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcome(0));
    t.conn.subscribe(['ticket.*']);
    expect(t.io.last().sent.at(-1)).toEqual({ type: 'subscribe', kinds: ['ticket.*'] });
  });

  it('sends an app-level ping every 20 s', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcome(0));
    await vi.advanceTimersByTimeAsync(TIMING.pingMs);
    expect(t.io.last().sent.at(-1)).toEqual({ type: 'ping' });
  });
});

describe('reconnecting', () => {
  it('a dropped connection retries with backoff and resumes from the persisted seq', async () => {
    const t = setup({ random: () => 1 }, { cursor: { since: 0, epoch: 'e1' } });
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcome(1));
    t.io.last().receive({ type: 'event', event: makeEvent(1) });
    await settle();
    t.io.last().drop(CLOSE.GOING_AWAY);
    expect(t.state()).toBe('reconnecting');
    expect(t.conn.snapshot.error).toBe('close:1001');
    expect(t.conn.snapshot.retryAt! - Date.now()).toBe(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(t.io.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.io.all).toHaveLength(2);
    t.io.last().open();
    expect(t.io.last().sent[0]).toMatchObject({ type: 'hello', since: 1, epoch: 'e1' });
  });

  it('a relay that never answers is "unreachable", with growing waits capped at 60 s', async () => {
    const t = setup({ random: () => 1 });
    t.conn.start();
    await settle();
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      t.io.last().drop(1006);
      expect(t.state()).toBe('unreachable');
      const wait = t.conn.snapshot.retryAt! - Date.now();
      waits.push(wait);
      await vi.advanceTimersByTimeAsync(wait);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('coming back online reconnects at once instead of waiting out the backoff', async () => {
    const t = setup({ random: () => 1 });
    t.conn.start();
    await settle();
    for (let i = 0; i < 6; i++) {
      t.io.last().drop(1006);
      await vi.advanceTimersByTimeAsync(t.conn.snapshot.retryAt! - Date.now());
    }
    t.io.last().drop(1006);
    expect(t.conn.snapshot.retryAt! - Date.now()).toBe(60_000);
    t.conn.online();
    await settle();
    expect(t.io.all).toHaveLength(8);
    expect(t.state()).toBe('connecting');
  });

  it('no frame for 45 s means the connection is dead: reconnect', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcome(0));
    await vi.advanceTimersByTimeAsync(40_000);
    t.io.last().receive({ type: 'heartbeat', head: 0, at: 'x' });
    await vi.advanceTimersByTimeAsync(40_000);
    expect(t.state()).toBe('connected');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.state()).toBe('reconnecting');
    expect(t.conn.snapshot.error).toBe('stale');
    expect(t.io.all[0]!.closedWith).toBe(4000);
  });

  it('a revoked token (4401) signs out and stops retrying', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().receive(welcome(0));
    t.io.last().drop(CLOSE.UNAUTHORIZED);
    await settle();
    expect(t.state()).toBe('revoked');
    expect(t.conn.snapshot.error).toBe('unauthorized');
    expect(t.store.auth).toBeUndefined();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(t.io.all).toHaveLength(1);
  });

  it('an origin the relay refuses (4403) stops retrying, keeps the token, and the watchdog leaves it stopped', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    t.io.last().drop(CLOSE.ORIGIN_FORBIDDEN);
    await settle();
    expect(t.state()).toBe('refused');
    expect(t.conn.snapshot.error).toBe(`close:${CLOSE.ORIGIN_FORBIDDEN}`);
    expect(t.conn.snapshot.retryAt).toBeUndefined();
    expect(t.store.auth).toBeDefined();
    expect(t.deps.onRevoked).not.toHaveBeenCalled();
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(30_000);
      t.conn.ensure();
      t.conn.online();
    }
    await settle();
    expect(t.io.all).toHaveLength(1);
    // A new sign-in is the person's say that something changed: try again.
    t.conn.restart();
    await settle();
    expect(t.io.all).toHaveLength(2);
  });

  it('a refusal an earlier worker recorded still holds in a new one, until the next sign-in', async () => {
    const refused: ConnectionSnapshot = {
      state: 'refused',
      error: `close:${CLOSE.ORIGIN_FORBIDDEN}`,
    };
    const t = setup({ lastSnapshot: async () => refused });
    t.conn.ensure();
    t.conn.online(); // the popup's "reconnect" that woke this worker, before storage answered
    await settle();
    t.conn.ensure();
    await settle();
    expect(t.io.all).toHaveLength(0);
    expect(t.conn.snapshot).toMatchObject(refused);
    t.conn.restart();
    await settle();
    expect(t.io.all).toHaveLength(1);
  });

  it('the watchdog brings back a stopped connection and leaves a healthy one alone', async () => {
    const t = setup();
    t.conn.ensure();
    await settle();
    expect(t.io.all).toHaveLength(1);
    t.io.last().open();
    t.io.last().receive(welcome(0));
    t.conn.ensure();
    await settle();
    expect(t.io.all).toHaveLength(1);
  });

  it('sign-out closes the socket and nothing reconnects', async () => {
    const t = setup();
    t.conn.start();
    await settle();
    t.io.last().open();
    t.conn.stop();
    expect(t.state()).toBe('signed_out');
    expect(t.io.last().closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(t.io.all).toHaveLength(1);
  });
});
