/**
 * Every key the extension stores: its shape, how a read is checked, and its version. Each key is
 * one versioned item (WXT's `storage.defineItem`) in the tables `localItems` / `syncItems` below.
 * Reads are checked here: a value written by an older version (or edited by hand) falls back to
 * its default instead of breaking the worker; the recent list keeps every item that parses.
 *
 * storage.local (this device only; the token never goes to `sync`):
 *   auth       {relayUrl, token, user:{name, topics, act}}  present while signed in; `user` is
 *                                                     refreshed from each `welcome`
 *   relayUrl   string                                  last relay URL typed, prefills the form
 *   cursor     {since, epoch}                          last seq fully processed and its log
 *   recent     RecentItem[]                            newest first, one per tag, at most 50; an
 *                                                     item answered here or elsewhere carries
 *                                                     `decided` (what, by whom, when)
 *   connection ConnectionSnapshot                      what the popup shows ({state, retryAt?, ...})
 *   muteUntil  number                                  before settings followed the person: ms since
 *                                                     the epoch; read once, to seed `settings`
 *   personState {rev, entries}                         the person's state as the relay last told it
 *                                                     (person-state.ts): read marks, snoozes, rings,
 *                                                     settings; values are checked where read
 *   outbox     {[key]: value}                          changes made here, not yet taken by the
 *                                                     relay (outbox.ts); latest per key
 *   deviceId   string                                  random per install: names the browser that
 *                                                     rang a reminder
 * storage.sync:
 *   prefs      Prefs (prefs.ts)                        before settings followed the person: the
 *                                                     toggles, read once, to seed `settings`
 */
import { z } from 'zod';
import { actionIdSchema, actionSchema, snoozeSchema, userSchema } from '@herald/shared';
import { storage, type StorageItemKey } from 'wxt/utils/storage';

export const authSchema = z.object({
  relayUrl: z.string(),
  token: z.string().min(1),
  user: userSchema,
});
export type Auth = z.infer<typeof authSchema>;

export const cursorSchema = z.object({
  since: z.number().int().nonnegative(),
  epoch: z.string(),
});
export type Cursor = z.infer<typeof cursorSchema>;

/**
 * An answer to an item (ours, from its ActionResult, or anyone's, from the relay's `herald.decided`).
 * `at` is the relay's clock (ms), compared with later events' `ts` for the quiet period.
 */
export const decidedSchema = z.object({
  action: actionIdSchema,
  by: z.string(),
  /** The outcome in words: "Approved: Bump zod to 4.6". */
  message: z.string(),
  at: z.number(),
});
export type Decided = z.infer<typeof decidedSchema>;

/**
 * One entry of the recent list. Fields added after the first version are optional, so a list
 * stored by an older version still parses (its items simply offer no actions).
 */
export const recentItemSchema = z.object({
  seq: z.number().int().positive(),
  /** The producer's event id: an answer names it next to the seq. */
  id: z.string().optional(),
  topic: z.string().optional(),
  tag: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  url: z.string().optional(),
  source: z.string().optional(),
  sticky: z.boolean(),
  resolves: z.boolean(),
  at: z.string(),
  read: z.boolean(),
  /** What the event declared a person may answer (the act grant decides who sees them). */
  actions: z.array(actionSchema).optional(),
  decided: decidedSchema.optional(),
  /** The relay's clock when the event was logged (ms): reminders count from it. */
  ts: z.number().optional(),
  /**
   * When this browser listed it (its own clock): a reminder slot that passed before then (the
   * browser was away; the catch-up showed the item) does not ring.
   */
  listedAt: z.number().optional(),
  /** The person's snooze that hides this item's toast now (see person-state.ts). */
  snoozed: snoozeSchema.optional(),
});
export type RecentItem = z.infer<typeof recentItemSchema>;

export const connectionStates = [
  'signed_out',
  'connecting',
  'connected',
  'reconnecting',
  'unreachable',
  'revoked',
  'refused',
] as const;
export type ConnectionState = (typeof connectionStates)[number];

export const connectionSnapshotSchema = z.object({
  state: z.enum(connectionStates),
  /** When the next attempt starts (ms since the epoch), while reconnecting or unreachable. */
  retryAt: z.number().optional(),
  /** Stable code of the last failure (see words.ts), for the words under the status line. */
  error: z.string().optional(),
  /** Newest seq the relay reported, for the popup's "caught up" check. */
  head: z.number().optional(),
  user: z.string().optional(),
});
export type ConnectionSnapshot = z.infer<typeof connectionSnapshotSchema>;

/**
 * One key of the person's state as the relay last told it. The value stays unchecked here and is
 * checked where it is read: a value this version does not understand is ignored alone, instead of
 * emptying the whole mirror.
 */
export const mirrorEntrySchema = z.object({
  rev: z.number().int().nonnegative(),
  at: z.number(),
  value: z.unknown(),
});
export type MirrorEntry = z.infer<typeof mirrorEntrySchema>;

export const mirrorSchema = z.object({
  /** The newest rev the relay sent: the next hello's `stateSince`. */
  rev: z.number().int().nonnegative(),
  entries: z.record(z.string(), mirrorEntrySchema),
});
export type Mirror = z.infer<typeof mirrorSchema>;
export const EMPTY_MIRROR: Mirror = { rev: 0, entries: {} };

/** Changes not yet taken by the relay, by key (a later change to a key replaces the earlier). */
export const outboxSchema = z.record(z.string(), z.unknown());
export type Outbox = z.infer<typeof outboxSchema>;

/**
 * A stored key: its WXT item and how a raw value is read. Every item is at `version: 1` with no
 * `migrations`, so WXT writes no `<key>$` version key and storage holds exactly the values below
 * (data with no version key counts as v1). A change a reader cannot take as it is (not a new
 * optional field) raises the item's `version` and adds `migrations: {2: (v1) => v2}` here; WXT
 * runs them once, where this module is loaded, and records the version under `<key>$`.
 */
interface Stored<T> {
  item: ReturnType<typeof storage.defineItem<unknown>>;
  /** Never throws: what cannot be read is the key's default. */
  read: (raw: unknown) => T;
}

function stored<T>(key: StorageItemKey, read: (raw: unknown) => T): Stored<T> {
  // WXT says "missing" with null; the schemas say it with undefined.
  return {
    item: storage.defineItem<unknown>(key, { version: 1 }),
    read: (raw) => read(raw ?? undefined),
  };
}

/** Reads with `schema`; anything it refuses is `fallback`. */
function orElse<T>(schema: z.ZodType<T>, fallback: T): (raw: unknown) => T {
  return (raw) => {
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : fallback;
  };
}

/**
 * Reads a list item by item: one item this version cannot read (a hand edit, a shape a newer
 * version wrote) is dropped alone instead of emptying the list. Not a list at all: empty.
 */
function eachThatParses<T>(schema: z.ZodType<T>): (raw: unknown) => T[] {
  return (raw) =>
    Array.isArray(raw)
      ? raw.flatMap((item) => {
          const parsed = schema.safeParse(item);
          return parsed.success ? [parsed.data] : [];
        })
      : [];
}

const localItems = {
  auth: stored('local:auth', orElse(authSchema.optional(), undefined)),
  relayUrl: stored('local:relayUrl', orElse(z.string().optional(), undefined)),
  cursor: stored('local:cursor', orElse(cursorSchema.optional(), undefined)),
  recent: stored('local:recent', eachThatParses(recentItemSchema)),
  connection: stored(
    'local:connection',
    orElse<ConnectionSnapshot>(connectionSnapshotSchema, { state: 'signed_out' }),
  ),
  muteUntil: stored('local:muteUntil', orElse(z.number(), 0)),
  // Unreadable: ask the relay for all of it again (stateSince 0); the relay holds the truth.
  personState: stored('local:personState', orElse(mirrorSchema, EMPTY_MIRROR)),
  outbox: stored('local:outbox', orElse<Outbox>(outboxSchema, {})),
  deviceId: stored('local:deviceId', orElse(z.string().min(1).optional(), undefined)),
};
export type LocalKey = keyof typeof localItems;
export type LocalValue<K extends LocalKey> = ReturnType<(typeof localItems)[K]['read']>;

const syncItems = {
  /** Checked where it is read (prefs.ts `getPrefs`), with the toggles' own rules. */
  prefs: stored('sync:prefs', (raw) => raw),
};
export type SyncKey = keyof typeof syncItems;

export async function getLocal<K extends LocalKey>(key: K): Promise<LocalValue<K>> {
  return parseLocal(key, await localItems[key].item.getValue());
}

/** Reads a raw stored value (as `storage.onChanged` hands it over); bad data → the default. */
export function parseLocal<K extends LocalKey>(key: K, raw: unknown): LocalValue<K> {
  return localItems[key].read(raw) as LocalValue<K>;
}

/** A plain write, for a key with one writer; read-change-write goes through `updateLocal`. */
export async function setLocal<K extends LocalKey>(key: K, value: LocalValue<K>): Promise<void> {
  const { item } = localItems[key];
  await (value === undefined ? item.removeValue() : item.setValue(value));
}

/** Removes keys, each after the updates of it already queued (which would otherwise rewrite it). */
export async function removeLocal(...keys: LocalKey[]): Promise<void> {
  await Promise.all(keys.map((key) => inTurn(key, () => localItems[key].item.removeValue())));
}

/**
 * Read, change, write `key`, one change at a time: two at once would both start from the same
 * read and the later write would lose the earlier one's change. A change that returns the very
 * value it was given writes nothing (no `onChanged` wakes the popup). `then` runs after the
 * write, still in turn (the badge drawn from the list as written, not from an older one).
 */
export function updateLocal<K extends LocalKey>(
  key: K,
  change: (value: LocalValue<K>) => LocalValue<K>,
  then?: (value: LocalValue<K>) => Promise<void>,
): Promise<LocalValue<K>> {
  return inTurn(key, async () => {
    const before = await getLocal(key);
    const after = change(before);
    if (after !== before) await setLocal(key, after);
    await then?.(after);
    return after;
  });
}

const queues = new Map<LocalKey, Promise<unknown>>();
function inTurn<T>(key: LocalKey, task: () => Promise<T>): Promise<T> {
  const next = (queues.get(key) ?? Promise.resolve()).then(task);
  queues.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

/** A key `storage.sync` held before settings followed the person, unchecked (see `syncItems`). */
export async function getSync(key: SyncKey): Promise<unknown> {
  return syncItems[key].read(await syncItems[key].item.getValue());
}
