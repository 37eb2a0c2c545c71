import type { User } from '@herald/shared';
import { browser } from 'wxt/browser';
import { createActing } from './act';
import { login, logout } from './auth';
import { Connection, type SocketLike } from './connection';
import { createDueScheduler } from './due-scheduler';
import { createNotifier, type NotifierOptions } from './notifier';
import { createPersonRequests } from './person-requests';
import { createPersonSync } from './person-sync';
import { badgeText } from './recent';
import { createRinger } from './ringer';
import { workerRequestSchema, type Reply } from './worker-requests';
import { getLocal, removeLocal, setLocal, updateLocal, type Auth } from './storage';
import { showBadge } from './toolbar';

export const WATCHDOG_ALARM = 'herald:watchdog';

export interface WorkerOptions {
  createSocket?: (url: string) => SocketLike;
  fetchFn?: typeof fetch;
  notifier?: NotifierOptions;
  random?: () => number;
  /** Wait before the one retry of an answer that met a network failure. */
  answerRetryMs?: number;
}

/** Sign-in, sign-out, revocation and grant updates write `auth` one at a time. */
const writeAuth = (auth: Auth | undefined) => updateLocal('auth', () => auth);

/**
 * Everything the background worker does, wired together; background.ts only registers listeners
 * that call into it (synchronously, so a worker woken by an event still receives that event).
 */
export function createWorker(options: WorkerOptions = {}) {
  const fetchFn = options.fetchFn ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const sync = createPersonSync({ fetchFn });
  const notifier = createNotifier({ ...options.notifier, sync });
  const due = createDueScheduler(createRinger(sync, notifier));
  const person = createPersonRequests(sync);
  /** The kind filter the relay was last given, to tell a settings change that alters it. */
  let kinds: string[] | undefined;
  const acting = createActing({
    notifier,
    fetchFn,
    ...(options.answerRetryMs !== undefined ? { retryDelayMs: options.answerRetryMs } : {}),
  });
  const connection = new Connection({
    createSocket: options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike),
    loadAuth: () => getLocal('auth'),
    loadCursor: () => getLocal('cursor'),
    saveCursor: (cursor) => setLocal('cursor', cursor),
    kinds: async () => {
      await sync.ready();
      kinds = sync.kinds();
      return kinds;
    },
    stateSince: () => sync.stateSince(),
    onStateFrame: (snapshot) => sync.applyFrame(snapshot),
    onEvent: async (event, replay) => {
      await notifier.handle(event, replay);
      // A new question starts its reminder clock (a replay's are looked at once it is over).
      if (event.sticky && !replay) void due.run();
    },
    onReplayDone: async () => {
      await notifier.flushCatchUp();
      void due.run();
    },
    onNewEpoch: () => notifier.forgetSeen(),
    onRevoked: () => writeAuth(undefined).then(() => removeLocal('cursor')),
    onState: (snapshot) => void setLocal('connection', snapshot),
    lastSnapshot: () => getLocal('connection'),
    onUser: refreshUser,
    ...(options.random ? { random: options.random } : {}),
  });

  // Whoever changed the person's state (a frame from another browser, or this one), the list,
  // the toasts, the reminders and the relay's kind filter follow it here.
  sync.onChange(async () => {
    await notifier.applyState();
    void due.run();
    const current = sync.kinds();
    if (current !== kinds) {
      kinds = current;
      connection.subscribe(current);
    }
  });

  /** Every wake-up (install, browser start, alarm, message): make sure we are listening. */
  async function wake(): Promise<void> {
    if (!(await browser.alarms.get(WATCHDOG_ALARM))) {
      // Only when absent: creating it again would push its next run further away. 30 s is the
      // shortest period Chrome allows, and about when it stops an idle worker.
      await browser.alarms.create(WATCHDOG_ALARM, { periodInMinutes: 0.5 });
    }
    await showBadge(badgeText(await getLocal('recent')));
    connection.ensure();
    void due.run();
  }

  /** The welcome's account of the person replaces the one from sign-in (a grant given or taken). */
  function refreshUser(user: User): Promise<void> {
    // Only for the person still signed in: a welcome that raced a sign-in as someone else
    // changes nothing.
    return updateLocal('auth', (auth) =>
      auth?.user.name === user.name && JSON.stringify(auth.user) !== JSON.stringify(user)
        ? { ...auth, user }
        : auth,
    ).then(() => undefined);
  }

  async function signOut(): Promise<void> {
    const auth = await getLocal('auth');
    connection.stop('signed_out');
    await writeAuth(undefined);
    await sync.clear();
    await due.stop();
    await removeLocal('cursor');
    await removeLocal('recent');
    await notifier.clearAll();
    await showBadge('');
    if (auth) await logout(auth.relayUrl, auth.token, fetchFn);
  }

  async function handleMessage(raw: unknown): Promise<Reply> {
    const parsed = workerRequestSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, code: 'invalid_request' };
    const request = parsed.data;
    switch (request.type) {
      case 'signIn': {
        const result = await login(request.relayUrl, request.username, request.password, fetchFn);
        if (!result.ok) return result;
        // A new session starts fresh: another user's cursor and list mean nothing to this one.
        await removeLocal('cursor');
        await removeLocal('recent');
        await sync.clear();
        await notifier.clearAll();
        await setLocal('relayUrl', result.relayUrl);
        await writeAuth({ relayUrl: result.relayUrl, token: result.token, user: result.user });
        connection.restart();
        return { ok: true };
      }
      case 'signOut':
        await signOut();
        return { ok: true };
      case 'open':
        await notifier.activate(request.tag);
        return { ok: true };
      case 'markAllRead':
        return person.markAllRead();
      case 'mute':
        return person.mute(request.choice);
      case 'snooze':
        return person.snooze(request);
      case 'settings':
        return person.settings(request.settings);
      case 'reconnect':
        connection.online();
        return { ok: true };
      case 'act':
        return acting.answer(request, 'popup');
    }
  }

  return {
    connection,
    wake,
    handleMessage,
    onAlarm: (name: string) => (name === WATCHDOG_ALARM ? wake() : due.onAlarm(name)),
    onNotificationClicked: (id: string) => notifier.activate(id),
    onNotificationClosed: (id: string, byUser: boolean | undefined) => notifier.closed(id, byUser),
    onNotificationButtonClicked: (id: string, index: number) => acting.fromToastButton(id, index),
    online: () => connection.online(),
  };
}
