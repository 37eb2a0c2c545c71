import { z } from 'zod';

/**
 * Per-person state: what one signed-in person has done with their items (read, snoozed, which
 * reminder rang where) and their settings, kept by the relay so that every browser they use
 * agrees. It is a map of keys to values; every change gets the person's next `rev` (1, 2, …),
 * and a reader resumes with the last rev it holds, as it resumes events with `since`. Only the
 * latest value of each key is kept, so a flood of changes to one key costs one entry.
 *
 * Keys: `read:<tag>`, `snooze:<tag>`, `ring:<tag>` (an item, by its tag) and `settings`.
 */

/** Most entries the relay keeps per person; past it, the oldest item entries are dropped. */
export const PERSON_STATE_MAX_ENTRIES = 1000;
/** Most puts in one `POST /v1/me/state`. */
export const PERSON_STATE_MAX_PUTS = 100;
/** Largest value (its JSON) the relay keeps under one key. */
export const PERSON_STATE_MAX_VALUE_BYTES = 4096;
// Bytes, as the limit says: a string's length counts UTF-16 units, which is less for non-ASCII.
const utf8 = new TextEncoder();

const tagSchema = z.string().min(1).max(200);
const seqSchema = z.number().int().positive();
const msSchema = z.number().int().nonnegative();

/** `read:<tag>`: the person read (or dismissed) the item, up to and including event `seq`. */
export const readMarkSchema = z.object({ seq: seqSchema });
export type ReadMark = z.infer<typeof readMarkSchema>;

/**
 * `snooze:<tag>`: the item's toast is away until `until` (ms since the epoch), or, with
 * `change`, until an event newer than `seq` arrives for the tag. `until: 0` ends a snooze early.
 */
export const snoozeSchema = z.union([
  z.object({ seq: seqSchema, until: msSchema }).strict(),
  z.object({ seq: seqSchema, change: z.literal(true) }).strict(),
]);
export type Snooze = z.infer<typeof snoozeSchema>;

/**
 * `ring:<tag>`: the last reminder (or snooze return) of the item that rang, as `slot` (the time
 * it was due), and the browser that rang it. Browsers write it with `ifRev`, so one wins a slot.
 */
export const ringSchema = z.object({
  seq: seqSchema,
  slot: msSchema,
  by: z.string().min(1).max(100),
});
export type Ring = z.infer<typeof ringSchema>;

/** `HH:MM`, 24-hour. */
export const clockTimeSchema = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM');

/** A daily schedule in the person's time zone during which toasts stay quiet. */
export const quietHoursSchema = z.object({
  enabled: z.boolean(),
  from: clockTimeSchema,
  to: clockTimeSchema,
  /** Days the quiet period starts on, 0 = Sunday. */
  days: z.array(z.number().int().min(0).max(6)).max(7),
  /** IANA zone (`Europe/Paris`) the times are in. */
  timeZone: z.string().min(1).max(100),
  /** Whether what waits on a human (sticky items) is toasted anyway. */
  stickyBreaksThrough: z.boolean(),
});
export type QuietHours = z.infer<typeof quietHoursSchema>;

/**
 * `settings`: the popup's settings, one document. Loose on purpose: a field added by a newer
 * extension is kept by the relay and by older extensions that write the document back.
 */
export const personSettingsSchema = z.looseObject({
  /** The event-type toggles, by name (`approvals: false`). */
  toggles: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/), z.boolean()).optional(),
  quietHours: quietHoursSchema.optional(),
  /** Toast a sticky item again after this long undecided, at most once per interval; 0 = off. */
  remindAfterMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600_000)
    .optional(),
  /** Toasts are quiet until then (ms since the epoch): "mute 1 hour". */
  muteUntil: msSchema.optional(),
});
export type PersonSettings = z.infer<typeof personSettingsSchema>;

export const SETTINGS_KEY = 'settings';
export const STATE_PREFIXES = ['read', 'snooze', 'ring'] as const;
export type StatePrefix = (typeof STATE_PREFIXES)[number];

const valueSchemas = { read: readMarkSchema, snooze: snoozeSchema, ring: ringSchema };

/** The key of an item's state: `read:ticket:t1`. */
export function stateKey(prefix: StatePrefix, tag: string): string {
  return `${prefix}:${tag}`;
}

/** What a key names: the settings, or one kind of state of an item; undefined when neither. */
export function parseStateKey(
  key: string,
): { prefix: 'settings' } | { prefix: StatePrefix; tag: string } | undefined {
  if (key === SETTINGS_KEY) return { prefix: 'settings' };
  const colon = key.indexOf(':');
  const prefix = key.slice(0, colon) as StatePrefix;
  if (colon < 0 || !STATE_PREFIXES.includes(prefix)) return undefined;
  const tag = key.slice(colon + 1);
  return tagSchema.safeParse(tag).success ? { prefix, tag } : undefined;
}

/** The schema a key's value must satisfy. */
export function stateValueSchema(key: string): z.ZodType | undefined {
  const parsed = parseStateKey(key);
  if (!parsed) return undefined;
  return parsed.prefix === 'settings' ? personSettingsSchema : valueSchemas[parsed.prefix];
}

/**
 * One change. With `ifRev` it applies only if the key's rev is still that (0: the key is absent),
 * so two browsers racing for one reminder cannot both win. An item value whose `seq` is older
 * than the stored one's is not applied either: a browser that had not heard of a newer event
 * cannot take back the state of that newer one.
 */
export const statePutSchema = z
  .object({
    key: z.string().min(1).max(220),
    value: z.unknown(),
    ifRev: z.number().int().nonnegative().optional(),
  })
  .strict()
  .transform((put, ctx) => {
    const schema = stateValueSchema(put.key);
    if (!schema) {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: 'key must be `settings` or `read:`, `snooze:`, `ring:` followed by a tag',
      });
      return z.NEVER;
    }
    const value = schema.safeParse(put.value);
    if (!value.success) {
      for (const issue of value.error.issues)
        ctx.addIssue({ code: 'custom', path: ['value', ...issue.path], message: issue.message });
      return z.NEVER;
    }
    if (utf8.encode(JSON.stringify(value.data)).length > PERSON_STATE_MAX_VALUE_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `value is over ${PERSON_STATE_MAX_VALUE_BYTES} bytes`,
      });
      return z.NEVER;
    }
    // What is kept is what the schema read: unknown fields of an item value are dropped.
    return { ...put, value: value.data };
  });
export type StatePut = z.output<typeof statePutSchema>;

/** `POST /v1/me/state`: changes applied in order. */
export const stateRequestSchema = z
  .object({ puts: z.array(statePutSchema).min(1).max(PERSON_STATE_MAX_PUTS) })
  .strict();
export type StateRequest = z.infer<typeof stateRequestSchema>;

/** One key as the relay keeps it: its value, the rev of its last change and when (ms). */
export const stateEntrySchema = z.object({
  key: z.string(),
  rev: z.number().int().positive(),
  at: z.number().int(),
  value: z.unknown(),
});
export type StateEntry = z.infer<typeof stateEntrySchema>;

/**
 * How one put went. Not applied: `conflict` (`ifRev` no longer held) or `stale` (an older seq);
 * `current` is then what the key holds (null when absent).
 */
export const statePutResultSchema = z.discriminatedUnion('applied', [
  z.object({ key: z.string(), applied: z.literal(true), rev: z.number().int().positive() }),
  z.object({
    key: z.string(),
    applied: z.literal(false),
    reason: z.enum(['conflict', 'stale']),
    current: stateEntrySchema.nullable(),
  }),
]);
export type StatePutResult = z.infer<typeof statePutResultSchema>;

export const stateResponseSchema = z.object({
  /** The person's newest rev after these puts. */
  head: z.number().int().nonnegative(),
  results: z.array(statePutResultSchema),
});
export type StateResponse = z.infer<typeof stateResponseSchema>;

/**
 * The person's state since a rev (`GET /v1/me/state?since=`, and the `state` frame): each key
 * changed after `since`, latest value only, in rev order. `reset`: the relay could not go on from
 * `since` (its store was recreated, or those entries were dropped), so this is everything and
 * replaces what the reader held.
 */
export const stateSnapshotSchema = z.object({
  head: z.number().int().nonnegative(),
  reset: z.boolean(),
  entries: z.array(stateEntrySchema),
});
export type StateSnapshot = z.infer<typeof stateSnapshotSchema>;
