import {
  SETTINGS_KEY,
  kindFilter,
  stateKey,
  statePutSchema,
  type PersonSettings,
  type Ring,
  type StatePutResult,
  type StateSnapshot,
} from '@herald/shared';
import { createFlusher, queuePuts, withoutSent } from './outbox';
import {
  applyEntry,
  applySnapshot,
  readSeq,
  settingsOf,
  valueOf,
  type StateView,
} from './person-state';
import {
  hasSettings,
  kindsOf,
  loadDeviceSettings,
  mergeSettings,
  seedSettings,
  type DeviceSettings,
} from './settings';
import { DEFAULT_PREFS } from './prefs';
import { postState, type Put } from './state-api';
import { EMPTY_MIRROR, getLocal, setLocal, type Outbox } from './storage';

export interface PersonSyncOptions {
  fetchFn?: typeof fetch;
  now?: () => number;
}

export type PersonSync = ReturnType<typeof createPersonSync>;

/** Who won a reminder's slot: `failed` = the relay could not be asked (try again later). */
export type RingClaim = 'won' | 'lost' | 'failed';

/**
 * The person's state in this browser: the relay's mirror and our outbox, held in memory (read on
 * every event, so not from storage each time) and written through to storage.local (a stopped
 * worker resumes from there). Every change, from a `state` frame or made here, is announced to
 * `onChange` with its keys, so one path clears toasts and marks items, whoever made the change.
 */
export function createPersonSync(options: PersonSyncOptions = {}) {
  const now = options.now ?? Date.now;
  const fetchFn = options.fetchFn ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  let view: StateView = { mirror: EMPTY_MIRROR, outbox: {} };
  /** What `save` last wrote (nothing yet: the first save writes both). */
  const saved: Partial<StateView> = {};
  let device: DeviceSettings | undefined;
  let loading: Promise<void> | undefined;
  /** Bumped by `clear`: a POST's answer for the previous person is not applied to the next. */
  let gen = 0;
  const listeners: ((keys: string[]) => Promise<void>)[] = [];
  /**
   * The parsed settings document and the kind filter of the toggles in force, and what they were
   * worked out from: every event asks them, so they are worked out again only when the settings
   * document (or this browser's seed) is another one. Neither depends on the clock: only the
   * seed does (a mute that ended), so it is made per call.
   */
  let filter:
    | {
        source: unknown;
        device: DeviceSettings | undefined;
        doc: PersonSettings | undefined;
        kinds: string[];
        accepts: (kind: string) => boolean;
      }
    | undefined;

  const flusher = createFlusher({
    fetchFn,
    auth: () => getLocal('auth'),
    pending: () => view.outbox,
    settle: async (sent, results) => {
      if (results !== 'dropped') settle(sent, results);
      view = { ...view, outbox: withoutSent(view.outbox, sent) };
      await save();
    },
  });

  function settle(sent: Outbox, results: StatePutResult[]): void {
    let mirror = view.mirror;
    for (const r of results) {
      mirror = r.applied
        ? applyEntry(mirror, r.key, { rev: r.rev, at: now(), value: sent[r.key] })
        : applyEntry(mirror, r.key, r.current);
    }
    view = { ...view, mirror };
  }

  function ready(): Promise<void> {
    loading ??= (async () => {
      const [mirror, outbox, d] = await Promise.all([
        getLocal('personState'),
        getLocal('outbox'),
        loadDeviceSettings(),
      ]);
      view = { mirror, outbox };
      device = d;
    })();
    return loading;
  }

  /**
   * Writes each of the two keys only when it holds another value than the last write asked for
   * (noted when asked, so saves that overlap compare with the write storage will end on).
   */
  async function save(): Promise<void> {
    if (view.mirror !== saved.mirror) await setLocal('personState', (saved.mirror = view.mirror));
    if (view.outbox !== saved.outbox) await setLocal('outbox', (saved.outbox = view.outbox));
  }

  async function announce(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const listener of listeners) await listener(keys);
  }

  /** The settings in force: the person's document, else what this browser had (its seed). */
  function settings(): PersonSettings {
    return currentFilter().doc ?? seed();
  }

  function seed(): PersonSettings {
    return seedSettings(device ?? { prefs: DEFAULT_PREFS, muteUntil: 0 }, now());
  }

  function currentFilter(): NonNullable<typeof filter> {
    const source = valueOf(view, SETTINGS_KEY);
    if (!filter || filter.source !== source || filter.device !== device) {
      const doc = settingsOf(view);
      const kinds = kindsOf(doc ?? seed());
      // Settings changed, kinds did not (a mute, quiet hours): the same array, so the worker
      // can tell by identity that the relay's filter needs no update.
      filter =
        filter && JSON.stringify(filter.kinds) === JSON.stringify(kinds)
          ? { ...filter, source, device, doc }
          : { source, device, doc, kinds, accepts: kindFilter(kinds) };
    }
    return filter;
  }

  /** Queues changes made here, applies them at once (offline too), and sends them. */
  async function change(puts: readonly Pick<Put, 'key' | 'value'>[]): Promise<void> {
    await ready();
    if (puts.length === 0) return;
    view = { ...view, outbox: queuePuts(view.outbox, puts) };
    await save();
    void flusher.flush();
    await announce(puts.map((p) => p.key));
  }

  /**
   * A `state` frame. When the relay has no settings document after it (the person's first
   * browser with this version, or a relay whose store was recreated), the settings this browser
   * was using become the person's.
   */
  async function applyFrame(snapshot: StateSnapshot): Promise<void> {
    await ready();
    const before = settings();
    const applied = applySnapshot(view.mirror, snapshot);
    view = { ...view, mirror: applied.mirror };
    if (!hasSettings(view)) {
      view = { ...view, outbox: queuePuts(view.outbox, [{ key: SETTINGS_KEY, value: before }]) };
    }
    await save();
    if (Object.keys(view.outbox).length) void flusher.flush();
    await announce(applied.changed);
  }

  return {
    ready,
    view: () => view,
    settings,
    /** The kind filter for the relay (shared `kindFilter` syntax); one array until it changes. */
    kinds: () => currentFilter().kinds,
    /** Would these toggles let this kind through? */
    acceptsKind: (kind: string) => currentFilter().accepts(kind),
    change,
    applyFrame,
    flush: () => flusher.flush(),
    /** The next hello's `stateSince`. */
    async stateSince(): Promise<number> {
      await ready();
      return view.mirror.rev;
    },

    /** Read marks up to these seqs; a mark the person already has is not sent again. */
    async markRead(marks: readonly { tag: string; seq: number }[]): Promise<void> {
      await ready();
      const puts = marks
        .filter((m) => readSeq(view, m.tag) < m.seq)
        .map((m) => ({ key: stateKey('read', m.tag), value: { seq: m.seq } }));
      await change(puts);
    },

    /** Merges a change into the settings document; false when the result would be refused. */
    async updateSettings(patch: Partial<PersonSettings>): Promise<boolean> {
      await ready();
      const value = mergeSettings(settings(), patch);
      if (!statePutSchema.safeParse({ key: SETTINGS_KEY, value }).success) return false;
      await change([{ key: SETTINGS_KEY, value }]);
      return true;
    },

    /**
     * Claims a reminder's slot with `ifRev` = the rev of `ring:<tag>` the decision to ring was
     * made on: of all the browsers due at once, the relay applies exactly one. Not the rev held
     * now: another browser's ring heard in between would make this claim succeed too. Not
     * through the outbox: a claim sent later would ring late.
     */
    async claimRing(tag: string, ring: Ring, ifRev: number): Promise<RingClaim> {
      await ready();
      const auth = await getLocal('auth');
      if (!auth) return 'failed';
      const key = stateKey('ring', tag);
      const at = gen;
      const outcome = await postState(
        auth.relayUrl,
        auth.token,
        [{ key, value: ring, ifRev }],
        fetchFn,
      );
      const result = outcome.ok ? outcome.response.results[0] : undefined;
      if (!result || at !== gen) return 'failed';
      settle({ [key]: ring }, [result]);
      await save();
      return result.applied ? 'won' : 'lost';
    },

    /** Sign-out, or sign-in as someone else: one person's state is never shown to another. */
    async clear(): Promise<void> {
      await ready();
      gen++;
      view = { mirror: EMPTY_MIRROR, outbox: {} as Outbox };
      flusher.reset();
      await save();
    },

    onChange(listener: (keys: string[]) => Promise<void>): void {
      listeners.push(listener);
    },
  };
}
