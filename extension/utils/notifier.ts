import { kindFilter, type HeraldEvent } from '@herald/shared';
import { browser } from 'wxt/browser';
import { mutedNow } from './mute';
import { openUrl } from './open-url';
import { getPrefs, kindsFromPrefs } from './prefs';
import { addRecent, markRead, toRecentItem, updateRecent } from './recent';
import { getLocal } from './storage';

export const SUMMARY_ID = 'herald:summary';
/** More missed notifiable events than this become one summary toast instead of a burst. */
export const CATCH_UP_BURST = 3;
const SEEN_LIMIT = 1000;

export interface NotifierOptions {
  /** Chrome keeps `requireInteraction` toasts on screen; Firefox has no such option. */
  stickyToasts?: boolean;
  now?: () => number;
  open?: (url: string) => Promise<unknown>;
}

export type Notifier = ReturnType<typeof createNotifier>;

/**
 * Turns relay events into the recent list, the badge and toasts. The toast id IS the event's tag,
 * so a newer event for the same ticket replaces its toast and a resolving event clears it.
 */
export function createNotifier(options: NotifierOptions = {}) {
  const stickyToasts = options.stickyToasts ?? !import.meta.env.FIREFOX;
  const now = options.now ?? Date.now;
  const open = options.open ?? openUrl;
  const seen = new Set<number>();
  /** Notifiable events that arrived as replay, waiting for the catch-up decision. */
  let pending: HeraldEvent[] = [];

  function remember(seq: number): boolean {
    if (seen.has(seq)) return false;
    seen.add(seq);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as number);
    return true;
  }

  async function raise(event: HeraldEvent): Promise<void> {
    const rich = stickyToasts
      ? {
          contextMessage: event.source ?? event.topic,
          priority: event.sticky ? 2 : 0,
          requireInteraction: event.sticky,
        }
      : {};
    await browser.notifications.create(event.tag, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: event.title,
      message: event.body || event.source || event.kind,
      ...rich,
    });
  }

  async function handle(event: HeraldEvent, replay: boolean): Promise<void> {
    if (!remember(event.seq)) return;
    // The relay already filters, but a change of toggles applies at once to frames in flight.
    if (!kindFilter(kindsFromPrefs(await getPrefs()))(event.kind)) return;
    await updateRecent((list) => addRecent(list, toRecentItem(event)));
    pending = pending.filter((p) => p.tag !== event.tag);
    if (event.resolves) {
      await browser.notifications.clear(event.tag);
      return;
    }
    if (await mutedNow(now())) return;
    if (replay) pending.push(event);
    else await raise(event);
  }

  /** Replay is over: a few missed events are shown one by one, a burst as one summary. */
  async function flushCatchUp(): Promise<void> {
    const missed = pending;
    pending = [];
    if (missed.length === 0 || (await mutedNow(now()))) return;
    if (missed.length <= CATCH_UP_BURST) {
      for (const event of missed) await raise(event);
      return;
    }
    const newest = missed.slice(-CATCH_UP_BURST).reverse();
    await browser.notifications.create(SUMMARY_ID, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: `${missed.length} updates while you were away`,
      message: newest.map((e) => e.title).join('\n'),
      ...(stickyToasts ? { requireInteraction: missed.some((e) => e.sticky), priority: 1 } : {}),
    });
  }

  /** The summary stands for many events: the popup lists them (where the browser lets us open it). */
  async function showList(): Promise<void> {
    try {
      await browser.action.openPopup();
    } catch {
      // Older Chrome, Firefox without a user gesture: the badge still points at the list.
    }
  }

  /** A toast or a recent item was clicked: open its page, clear its toast, mark it read. */
  async function activate(tag: string): Promise<void> {
    await browser.notifications.clear(tag);
    if (tag === SUMMARY_ID) return showList();
    const item = (await getLocal('recent')).find((i) => i.tag === tag);
    await updateRecent((list) => markRead(list, tag));
    if (item?.url) await open(item.url);
  }

  async function clearAll(): Promise<void> {
    pending = [];
    seen.clear();
    const shown = await browser.notifications.getAll();
    await Promise.all(Object.keys(shown).map((id) => browser.notifications.clear(id)));
  }

  /** A new log (epoch) numbers its events from 1 again: old seqs say nothing about new ones. */
  function forgetSeen(): void {
    seen.clear();
  }

  return { handle, flushCatchUp, activate, clearAll, forgetSeen };
}
