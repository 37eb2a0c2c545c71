import { browser } from 'wxt/browser';
import { login, logout } from './auth';
import { Connection, type SocketLike } from './connection';
import { muteFor } from './mute';
import { createNotifier, type NotifierOptions } from './notifier';
import { getPrefs, kindsFromPrefs, parsePrefs } from './prefs';
import { markAllRead, showBadge, updateRecent } from './recent';
import { requestSchema, type Reply } from './runtime-messages';
import { getLocal, removeLocal, setLocal } from './storage';

export const WATCHDOG_ALARM = 'herald:watchdog';

export interface WorkerOptions {
  createSocket?: (url: string) => SocketLike;
  fetchFn?: typeof fetch;
  notifier?: NotifierOptions;
  random?: () => number;
}

/**
 * Everything the background worker does, wired together; background.ts only registers listeners
 * that call into it (synchronously, so a worker woken by an event still receives that event).
 */
export function createWorker(options: WorkerOptions = {}) {
  const fetchFn = options.fetchFn ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const notifier = createNotifier(options.notifier);
  const connection = new Connection({
    createSocket: options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike),
    loadAuth: () => getLocal('auth'),
    loadCursor: () => getLocal('cursor'),
    saveCursor: (cursor) => setLocal('cursor', cursor),
    kinds: async () => kindsFromPrefs(await getPrefs()),
    onEvent: (event, replay) => notifier.handle(event, replay),
    onReplayDone: () => notifier.flushCatchUp(),
    onNewEpoch: () => notifier.forgetSeen(),
    onRevoked: () => removeLocal('auth', 'cursor'),
    onState: (snapshot) => void setLocal('connection', snapshot),
    ...(options.random ? { random: options.random } : {}),
  });

  /** Every wake-up (install, browser start, alarm, message): make sure we are listening. */
  async function wake(): Promise<void> {
    if (!(await browser.alarms.get(WATCHDOG_ALARM))) {
      // Only when absent: creating it again would push its next run further away. 30 s is the
      // shortest period Chrome allows, and about when it stops an idle worker.
      await browser.alarms.create(WATCHDOG_ALARM, { periodInMinutes: 0.5 });
    }
    await showBadge(await getLocal('recent'));
    connection.ensure();
  }

  async function signOut(): Promise<void> {
    const auth = await getLocal('auth');
    connection.stop('signed_out');
    await removeLocal('auth', 'cursor', 'recent');
    await notifier.clearAll();
    await showBadge([]);
    if (auth) await logout(auth.relayUrl, auth.token, fetchFn);
  }

  async function handleMessage(raw: unknown): Promise<Reply> {
    const parsed = requestSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, code: 'invalid_request' };
    const request = parsed.data;
    switch (request.type) {
      case 'signIn': {
        const result = await login(request.relayUrl, request.username, request.password, fetchFn);
        if (!result.ok) return result;
        // A new session starts fresh: another user's cursor and list mean nothing to this one.
        await removeLocal('cursor', 'recent');
        await notifier.clearAll();
        await setLocal('relayUrl', result.relayUrl);
        await setLocal('auth', {
          relayUrl: result.relayUrl,
          token: result.token,
          user: result.user,
        });
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
        await updateRecent(markAllRead);
        return { ok: true };
      case 'mute':
        await muteFor(request.choice);
        return { ok: true };
      case 'reconnect':
        connection.online();
        return { ok: true };
    }
  }

  function onStorageChanged(changes: Record<string, { newValue?: unknown }>, area: string): void {
    const prefs = changes['prefs'];
    if (area === 'sync' && prefs) connection.subscribe(kindsFromPrefs(parsePrefs(prefs.newValue)));
  }

  return {
    connection,
    wake,
    handleMessage,
    onStorageChanged,
    onAlarm: (name: string) => (name === WATCHDOG_ALARM ? wake() : Promise.resolve()),
    onNotificationClicked: (id: string) => notifier.activate(id),
    online: () => connection.online(),
  };
}
