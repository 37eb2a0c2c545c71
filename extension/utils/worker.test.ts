import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { DEFAULT_PREFS } from './prefs';
import { getLocal } from './storage';
import { approval, proposed } from '../test/events';
import { welcome as welcomeOf } from '../test/fake-socket';
import { settle } from '../test/settle';
import { signIn, workerWith } from '../test/worker';
import { WATCHDOG_ALARM } from './worker';

const user = { name: 'ada', topics: ['**'], act: ['tickets'] };
const welcome = (head: number, u: typeof user = user) => welcomeOf(head, u);

const result = {
  requestId: 'r',
  action: 'approve',
  message: 'Approved: Bump zod to 4.6',
  by: 'ada',
  at: '2026-11-23T10:00:00.000Z',
};

function setup() {
  const fetchFn = vi.fn(async (url: string | URL | Request) =>
    String(url).endsWith('/v1/login')
      ? new Response(JSON.stringify({ token: 'secret-token', user }), { status: 200 })
      : String(url).endsWith('/v1/actions')
        ? new Response(JSON.stringify(result), { status: 200 })
        : new Response(null, { status: 204 }),
  );
  return { ...workerWith(fetchFn), fetchFn };
}

/** Signs in through the worker and lets the relay welcome the socket. */
async function connected(t: ReturnType<typeof setup>, frame: ReturnType<typeof welcome>) {
  await signIn(t.worker);
  t.io.last().open();
  t.io.last().receive(frame);
  return t;
}

beforeEach(() => {
  fakeBrowser.reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('worker', () => {
  it('signs in from a message, keeps the token in storage.local only, and raises a sticky toast', async () => {
    const { worker, io } = setup();
    const reply = await worker.handleMessage({
      type: 'signIn',
      relayUrl: 'http://127.0.0.1:8787',
      username: 'ada',
      password: 'pw',
    });
    expect(reply).toEqual({ ok: true });
    expect((await getLocal('auth'))?.token).toBe('secret-token');
    expect(JSON.stringify(await fakeBrowser.storage.sync.get())).not.toContain('secret-token');
    await settle();
    const s = io.last();
    s.open();
    expect(s.sent[0]).toMatchObject({ type: 'hello', token: 'secret-token' });
    s.receive(welcome(0));
    s.receive({ type: 'event', event: proposed(1, 'T-1') });
    await settle();
    expect(await fakeBrowser.notifications.getAll()).toHaveProperty('ticket:T-1');
    expect((await getLocal('connection')).state).toBe('connected');
    expect(await getLocal('cursor')).toEqual({ since: 1, epoch: 'e' });
  });

  it('a changed toggle is sent to the relay as subscribe', async () => {
    const { worker, io } = setup();
    await signIn(worker);
    io.last().open();
    io.last().receive(welcome(0));
    const toggles = { ...DEFAULT_PREFS, messages: true };
    expect(await worker.handleMessage({ type: 'settings', settings: { toggles } })).toEqual({
      ok: true,
    });
    expect(io.last().sent.at(-1)).toEqual({ type: 'subscribe', kinds: ['*', '!agent.lifecycle'] });
  });

  it('sign-out calls /v1/logout with the token and forgets it', async () => {
    const { worker, fetchFn } = setup();
    await signIn(worker);
    expect(await worker.handleMessage({ type: 'signOut' })).toEqual({ ok: true });
    expect(fetchFn).toHaveBeenLastCalledWith('http://r/v1/logout', expect.anything());
    expect(await getLocal('auth')).toBeUndefined();
    expect((await getLocal('connection')).state).toBe('signed_out');
  });

  it('rejects messages that are not requests', async () => {
    const { worker } = setup();
    expect(await worker.handleMessage({ type: 'eval', code: '1' })).toEqual({
      ok: false,
      code: 'invalid_request',
    });
  });

  it('creates the watchdog alarm once and does not postpone it on later wake-ups', async () => {
    const { worker } = setup();
    await worker.wake();
    const first = await fakeBrowser.alarms.get(WATCHDOG_ALARM);
    expect(first?.periodInMinutes).toBe(0.5);
    await vi.advanceTimersByTimeAsync(20_000);
    await worker.wake();
    expect((await fakeBrowser.alarms.get(WATCHDOG_ALARM))?.scheduledTime).toBe(
      first?.scheduledTime,
    );
  });

  it('after a worker restart it resumes from the persisted seq', async () => {
    const first = await connected(setup(), welcome(4));
    first.io.last().receive({ type: 'event', event: proposed(5, 'T-5') });
    await settle();
    first.worker.connection.stop();
    const second = setup();
    await second.worker.wake();
    await settle();
    second.io.last().open();
    expect(second.io.last().sent[0]).toMatchObject({ type: 'hello', since: 5, epoch: 'e' });
  });

  describe('answers', () => {
    async function signedIn(welcomeUser: typeof user) {
      const t = await connected(setup(), welcome(0, welcomeUser));
      t.io.last().receive({ type: 'event', event: approval(1, 'A') });
      await settle();
      return t;
    }

    it("the welcome's act grant replaces the sign-in one before the events that follow", async () => {
      await signedIn({ ...user, act: ['agents/*'] });
      expect((await getLocal('auth'))?.user.act).toEqual(['agents/*']);
      const toast = (await fakeBrowser.notifications.getAll())['approval:A'] as {
        buttons?: unknown[];
      };
      expect(toast.buttons).toHaveLength(2);
    });

    it('a toast button answers through the relay with the token', async () => {
      const { worker, fetchFn } = await signedIn({ ...user, act: ['agents/*'] });
      await worker.onNotificationButtonClicked('approval:A', 0);
      expect(fetchFn).toHaveBeenCalledWith(
        'http://r/v1/actions',
        expect.objectContaining({
          headers: expect.objectContaining({ authorization: 'Bearer secret-token' }),
        }),
      );
      expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual(['outcome:approval:A']);
    });

    it('the popup answers with an act message; without the grant it is refused in words', async () => {
      const { worker } = await signedIn({ ...user, act: [] });
      const reply = await worker.handleMessage({
        type: 'act',
        tag: 'approval:A',
        action: 'approve',
      });
      expect(reply).toEqual({
        ok: false,
        code: 'action_forbidden',
        message: "Couldn't approve: you may not answer items on this topic",
      });
    });
  });
});
