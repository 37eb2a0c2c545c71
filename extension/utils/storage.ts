/**
 * Every key the extension stores, with its schema. Reads go through `safeParse`: a value written by
 * an older version (or edited by hand) falls back to its default instead of breaking the worker.
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
 *   prefs      Prefs                                   before settings followed the person: the
 *                                                     toggles, read once, to seed `settings`
 */
import { z } from 'zod';
import { actionIdSchema, actionSchema, snoozeSchema, userSchema } from '@herald/shared';
import { browser } from 'wxt/browser';

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
 * stored by an older version still parses (its items simply offer no actions): no migration.
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

export const prefsSchema = z.object({
  proposedResolution: z.boolean(),
  otherStatus: z.boolean(),
  approvals: z.boolean(),
  questions: z.boolean(),
  lifecycle: z.boolean(),
  messages: z.boolean(),
  otherSources: z.boolean(),
});
export type Prefs = z.infer<typeof prefsSchema>;

/** Lifecycle and message traffic are noisy, so they start off; everything that needs a human is on. */
export const DEFAULT_PREFS: Prefs = {
  proposedResolution: true,
  otherStatus: true,
  approvals: true,
  questions: true,
  lifecycle: false,
  messages: false,
  otherSources: true,
};

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

const localKeys = {
  auth: authSchema.optional(),
  relayUrl: z.string().optional(),
  cursor: cursorSchema.optional(),
  recent: z.array(recentItemSchema).catch([]).default([]),
  connection: connectionSnapshotSchema
    .catch({ state: 'signed_out' })
    .default({ state: 'signed_out' }),
  muteUntil: z.number().catch(0).default(0),
  // Unreadable: ask the relay for all of it again (stateSince 0); the relay holds the truth.
  personState: mirrorSchema.catch(EMPTY_MIRROR).default(EMPTY_MIRROR),
  outbox: outboxSchema.catch({}).default({}),
  deviceId: z.string().min(1).optional(),
};
export type LocalKey = keyof typeof localKeys;
export type LocalValue<K extends LocalKey> = z.output<(typeof localKeys)[K]>;

export async function getLocal<K extends LocalKey>(key: K): Promise<LocalValue<K>> {
  const raw = (await browser.storage.local.get(key))[key];
  return parseLocal(key, raw);
}

/** Parses a raw stored value (also used on `storage.onChanged` payloads); bad data → default. */
export function parseLocal<K extends LocalKey>(key: K, raw: unknown): LocalValue<K> {
  const schema = localKeys[key] as unknown as z.ZodType<LocalValue<K>>;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  return schema.parse(undefined);
}

export async function setLocal<K extends LocalKey>(key: K, value: LocalValue<K>): Promise<void> {
  await browser.storage.local.set({ [key]: value });
}

export async function removeLocal(...keys: LocalKey[]): Promise<void> {
  await browser.storage.local.remove(keys);
}

const queues = new Map<LocalKey, Promise<unknown>>();
/**
 * Runs tasks that read, change and write `key` one after another: two at once would both start
 * from the same read and the later write would lose the earlier one's change.
 */
export function serialised<T>(key: LocalKey, task: () => Promise<T>): Promise<T> {
  const next = (queues.get(key) ?? Promise.resolve()).then(task);
  queues.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

/** Missing toggles (a newer version added one) take their default; junk falls back entirely. */
export function parsePrefs(raw: unknown): Prefs {
  const merged = prefsSchema.partial().safeParse(raw);
  return { ...DEFAULT_PREFS, ...(merged.success ? stripUndefined(merged.data) : {}) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function getPrefs(): Promise<Prefs> {
  return parsePrefs((await browser.storage.sync.get('prefs'))['prefs']);
}

export async function setPrefs(prefs: Prefs): Promise<void> {
  await browser.storage.sync.set({ prefs });
}
