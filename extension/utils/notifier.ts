import { KINDS, type HeraldEvent } from '@herald/shared';
import { z } from 'zod';
import { browser } from 'wxt/browser';
import { actionsFor, toastButtons } from './actions';
import { reconcile, withState } from './item-state';
import { openUrl } from './open-url';
import { createPersonSync, type PersonSync } from './person-sync';
import {
  addRecent,
  decisionApplies,
  markDecided,
  markRead,
  quietAfterDecision,
  toRecentItem,
  updateRecent,
} from './recent';
import { quietAt } from './settings';
import { getLocal, type RecentItem } from './storage';
import { toolbarButton } from './toolbar';

export const SUMMARY_ID = 'herald:summary';
/** The toast saying how an answer went: its own id, so clearing the item's tag leaves it. */
export const OUTCOME_PREFIX = 'outcome:';
/** More missed notifiable events than this become one summary toast instead of a burst. */
export const CATCH_UP_BURST = 3;
const SEEN_LIMIT = 1000;

/** What the relay's `herald.decided` carries about the answer. */
const decidedDataSchema = z.object({
  action: z.string(),
  by: z.string(),
  seq: z.number().int().positive(),
});

export interface NotifierOptions {
  /**
   * Chrome's toasts: `requireInteraction`, `priority`, `silent` and buttons. Firefox has none of
   * them and rejects a toast that names them.
   */
  richToasts?: boolean;
  /**
   * Whether a toast closed with `byUser` was closed by the person. Chrome tells an expired toast
   * from a dismissed one; Firefox 153 says `byUser: true` for both (checked under dunst, which
   * reports the difference), so there only a click or the list marks an item read.
   */
  closeIsRead?: boolean;
  now?: () => number;
  open?: (url: string) => Promise<unknown>;
  /** The person's state and settings (read marks, snoozes, toggles, quiet hours). */
  sync?: PersonSync;
}

/** A toast raised again: after a failed answer quietly; a reminder or a snooze's end to be heard. */
type Again = 'quiet' | 'heard';

export type Notifier = ReturnType<typeof createNotifier>;

/**
 * Turns relay events into the recent list, the badge and toasts. The toast id IS the event's tag,
 * so a newer event for the same ticket replaces its toast and a resolving event clears it.
 */
export function createNotifier(options: NotifierOptions = {}) {
  const richToasts = options.richToasts ?? !import.meta.env.FIREFOX;
  const closeIsRead = options.closeIsRead ?? !import.meta.env.FIREFOX;
  const now = options.now ?? Date.now;
  const open = options.open ?? openUrl;
  const sync = options.sync ?? createPersonSync({ now });
  const seen = new Set<number>();
  /** Notifiable items that arrived as replay, waiting for the catch-up decision. */
  let pending: RecentItem[] = [];

  function remember(seq: number): boolean {
    if (seen.has(seq)) return false;
    seen.add(seq);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as number);
    return true;
  }

  /** The toast for an item, with a button per action the person may take from there. */
  async function raise(item: RecentItem, again?: Again): Promise<void> {
    const user = (await getLocal('auth'))?.user;
    const buttons = richToasts ? toastButtons(actionsFor(user, item)) : [];
    const rich = richToasts
      ? {
          contextMessage: item.source ?? item.topic ?? '',
          priority: item.sticky ? 2 : 0,
          requireInteraction: item.sticky,
          ...(again ? { silent: again === 'quiet' } : {}),
          ...(buttons.length ? { buttons: buttons.map((a) => ({ title: a.title })) } : {}),
        }
      : {};
    await browser.notifications.create(item.tag, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: item.title,
      message: item.body || item.source || item.kind,
      ...rich,
    });
  }

  /** Must this item's toast stay quiet now (mute, or quiet hours it does not break through)? */
  function quietNow(item: RecentItem): boolean {
    return quietAt(sync.settings(), now(), item.sticky);
  }

  async function handle(event: HeraldEvent, replay: boolean): Promise<void> {
    if (!remember(event.seq)) return;
    await sync.ready();
    // The relay already filters, but a change of toggles applies at once to frames in flight.
    if (!sync.acceptsKind(event.kind)) return;
    if (event.kind === KINDS.actionDecided && !event.origin?.startsWith('publisher:')) {
      return decided(event);
    }
    // Read or snoozed in any of the person's browsers: listed as such, never toasted again.
    const item = withState({ ...toRecentItem(event), listedAt: now() }, sync.view(), now());
    let quiet = item.read || item.snoozed !== undefined;
    await updateRecent((list) => {
      quiet ||= quietAfterDecision(list, event);
      return addRecent(list, item);
    });
    pending = pending.filter((p) => p.tag !== event.tag);
    if (event.resolves) {
      await browser.notifications.clear(event.tag);
      return;
    }
    // The upstream's own news of an outcome the person has just heard: listed, not toasted.
    if (quiet || quietNow(item)) return;
    if (replay) pending.push(item);
    else await raise(item);
  }

  /**
   * The relay's word that someone answered the item (here or in another browser): it is marked
   * decided in the list (not replaced: its title and link stay) and its toast goes, everywhere.
   */
  async function decided(event: HeraldEvent): Promise<void> {
    const data = decidedDataSchema.safeParse(event.data);
    const seq = data.success ? data.data.seq : 0;
    let applies = true;
    await updateRecent((list) => {
      const item = list.find((i) => i.tag === event.tag);
      applies = !item || decisionApplies(item, seq);
      if (!data.success) return list;
      const { action, by } = data.data;
      return markDecided(list, event.tag, seq, { action, by, message: event.title, at: event.ts });
    });
    if (!applies) return; // a newer question with the same tag is still waiting
    pending = pending.filter((p) => p.tag !== event.tag);
    await browser.notifications.clear(event.tag);
  }

  /** Replay is over: a few missed events are shown one by one, a burst as one summary. */
  async function flushCatchUp(): Promise<void> {
    const missed = pending.filter((item) => !quietNow(item));
    pending = [];
    if (missed.length === 0) return;
    if (missed.length <= CATCH_UP_BURST) {
      for (const item of missed) await raise(item);
      return;
    }
    const newest = missed.slice(-CATCH_UP_BURST).reverse();
    await browser.notifications.create(SUMMARY_ID, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: `${missed.length} updates while you were away`,
      message: newest.map((e) => e.title).join('\n'),
      ...(richToasts ? { requireInteraction: missed.some((e) => e.sticky), priority: 1 } : {}),
    });
  }

  /** A short plain toast saying how an answer went ("Approved: Bump zod to 4.6"). */
  async function showOutcome(tag: string, title: string, message: string): Promise<void> {
    await browser.notifications.create(`${OUTCOME_PREFIX}${tag}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title,
      message,
      ...(richToasts ? { priority: 0, requireInteraction: false } : {}),
    });
  }

  /** A failed answer leaves the item waiting: its sticky toast is back (quietly) if it went. */
  async function raiseAgain(tag: string): Promise<void> {
    const item = (await getLocal('recent')).find((i) => i.tag === tag);
    if (item && item.sticky && !item.decided) await raise(item, 'quiet');
  }

  /** A reminder or a snooze's end that this browser won: the toast is back, to be heard. */
  async function ring(tag: string): Promise<void> {
    const item = (await getLocal('recent')).find((i) => i.tag === tag);
    if (item) await raise(item, 'heard');
  }

  /**
   * The person's state changed (in any browser, this one included): the list follows it, and
   * the toasts of what became read or snoozed go, as does their place in the catch-up.
   */
  async function applyState(): Promise<void> {
    await sync.ready();
    let hidden: string[] = [];
    await updateRecent((list) => {
      const next = reconcile(list, sync.view(), now());
      hidden = next.hidden;
      return next.list;
    });
    if (hidden.length === 0) return;
    pending = pending.filter((p) => !hidden.includes(p.tag));
    await Promise.all(hidden.map((tag) => browser.notifications.clear(tag)));
  }

  /**
   * A toast closed. One the person closed is a read (where the browser can say so: see
   * closeIsRead); one that expired or was replaced leaves the item waiting in the list and on the
   * badge.
   */
  async function closed(id: string, byUser: boolean | undefined): Promise<void> {
    if (!closeIsRead || byUser !== true || id === SUMMARY_ID || id.startsWith(OUTCOME_PREFIX))
      return;
    const item = (await getLocal('recent')).find((i) => i.tag === id);
    if (item) await sync.markRead([{ tag: item.tag, seq: item.seq }]);
  }

  /** The action behind a toast's button, as `raise` laid them out for the stored item. */
  async function buttonAction(tag: string, index: number): Promise<string | undefined> {
    const [auth, list] = await Promise.all([getLocal('auth'), getLocal('recent')]);
    const item = list.find((i) => i.tag === tag);
    if (!richToasts || !item) return undefined;
    return toastButtons(actionsFor(auth?.user, item))[index]?.id;
  }

  /** The summary stands for many events: the popup lists them (where the browser lets us open it). */
  async function showList(): Promise<void> {
    try {
      // Firefox MV2 has no `action`: reaching for it threw, and the catch hid that it never tried.
      await toolbarButton()?.openPopup();
    } catch {
      // Older Chrome, Firefox without a user gesture: the badge still points at the list.
    }
  }

  /** A toast or a recent item was clicked: open its page, clear its toast, mark it read. */
  async function activate(id: string): Promise<void> {
    await browser.notifications.clear(id);
    if (id === SUMMARY_ID) return showList();
    const tag = id.startsWith(OUTCOME_PREFIX) ? id.slice(OUTCOME_PREFIX.length) : id;
    if (tag !== id) await browser.notifications.clear(tag);
    const item = (await getLocal('recent')).find((i) => i.tag === tag);
    await updateRecent((list) => markRead(list, tag));
    if (item) await sync.markRead([{ tag, seq: item.seq }]);
    if (item?.url) await open(item.url);
  }

  async function clear(id: string): Promise<void> {
    await browser.notifications.clear(id);
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

  return {
    handle,
    flushCatchUp,
    showOutcome,
    raiseAgain,
    ring,
    applyState,
    closed,
    buttonAction,
    activate,
    clear,
    clearAll,
    forgetSeen,
  };
}
