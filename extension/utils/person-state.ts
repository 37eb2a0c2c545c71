import {
  SETTINGS_KEY,
  personSettingsSchema,
  readMarkSchema,
  ringSchema,
  snoozeSchema,
  stateKey,
  type PersonSettings,
  type Ring,
  type Snooze,
  type StateEntry,
  type StateSnapshot,
} from '@herald/shared';
import type { Mirror, MirrorEntry, Outbox } from './storage';

/**
 * The person's state as this browser knows it: the relay's mirror (read marks, snoozes, rings,
 * settings, each with the rev of its last change) and, over it, the changes made here that the
 * relay has not taken yet (the outbox). Pure functions; person-sync.ts keeps them in storage.
 */
export interface StateView {
  mirror: Mirror;
  outbox: Outbox;
}

/**
 * Applies a `state` frame. `reset`: the relay could not go on from our rev, so its entries
 * replace ours. Otherwise an entry wins only with a newer rev than the one held, so the echo of
 * our own put (already applied from the POST's answer) or a frame seen twice changes nothing.
 * Returns the keys whose value changed.
 */
export function applySnapshot(
  mirror: Mirror,
  snapshot: StateSnapshot,
): { mirror: Mirror; changed: string[] } {
  if (snapshot.reset) {
    const entries: Mirror['entries'] = {};
    for (const e of snapshot.entries) entries[e.key] = { rev: e.rev, at: e.at, value: e.value };
    const keys = new Set([...Object.keys(mirror.entries), ...Object.keys(entries)]);
    const changed = [...keys].filter(
      (k) => JSON.stringify(mirror.entries[k]?.value) !== JSON.stringify(entries[k]?.value),
    );
    return { mirror: { rev: snapshot.head, entries }, changed };
  }
  let entries = mirror.entries;
  const changed: string[] = [];
  for (const e of snapshot.entries) {
    const next = withEntry(entries, e.key, e);
    if (next !== entries) changed.push(e.key);
    entries = next;
  }
  return { mirror: { rev: Math.max(mirror.rev, snapshot.head), entries }, changed };
}

/**
 * One key as a POST answered it (applied with its rev, or what the relay holds instead). The
 * mirror's own rev stays: only a `state` frame says everything up to a rev has been seen.
 */
export function applyEntry(
  mirror: Mirror,
  key: string,
  entry: Pick<StateEntry, 'rev' | 'at' | 'value'> | null,
): Mirror {
  if (entry === null) {
    if (!(key in mirror.entries)) return mirror;
    const { [key]: _gone, ...entries } = mirror.entries;
    return { ...mirror, entries };
  }
  const entries = withEntry(mirror.entries, key, entry);
  return entries === mirror.entries ? mirror : { ...mirror, entries };
}

function withEntry(
  entries: Mirror['entries'],
  key: string,
  e: Pick<StateEntry, 'rev' | 'at' | 'value'>,
): Mirror['entries'] {
  const held = entries[key];
  if (held && held.rev >= e.rev) return entries;
  const entry: MirrorEntry = { rev: e.rev, at: e.at, value: e.value };
  return { ...entries, [key]: entry };
}

/** A key's value: our change not yet taken by the relay, else the relay's. */
export function valueOf(view: StateView, key: string): unknown {
  return key in view.outbox ? view.outbox[key] : view.mirror.entries[key]?.value;
}

/** The rev this browser holds for a key (0: absent), for an `ifRev` put. */
export function revOf(view: StateView, key: string): number {
  return view.mirror.entries[key]?.rev ?? 0;
}

/** The seq up to which the person read (or dismissed) the item; 0 when never. */
export function readSeq(view: StateView, tag: string): number {
  const mark = readMarkSchema.safeParse(valueOf(view, stateKey('read', tag)));
  return mark.success ? mark.data.seq : 0;
}

export function snoozeOf(view: StateView, tag: string): Snooze | undefined {
  const snooze = snoozeSchema.safeParse(valueOf(view, stateKey('snooze', tag)));
  return snooze.success ? snooze.data : undefined;
}

export function ringOf(view: StateView, tag: string): Ring | undefined {
  const ring = ringSchema.safeParse(view.mirror.entries[stateKey('ring', tag)]?.value);
  return ring.success ? ring.data : undefined;
}

/** The settings document, or undefined when neither the relay nor this browser has one. */
export function settingsOf(view: StateView): PersonSettings | undefined {
  const settings = personSettingsSchema.safeParse(valueOf(view, SETTINGS_KEY));
  return settings.success ? settings.data : undefined;
}

/**
 * Does the snooze hide the item with this seq now? A timed one until its time, whatever arrives
 * meanwhile; "until it changes" until an event newer than the one snoozed.
 */
export function snoozeHides(snooze: Snooze | undefined, seq: number, now: number): boolean {
  if (!snooze) return false;
  return 'until' in snooze ? snooze.until > now : snooze.seq >= seq;
}
