import type { StateEntry, StatePut, StatePutResult, StateSnapshot } from '@herald/shared';

/** What a put did, for its caller; the change itself reaches readers through the feed. */
export interface PutOutcome {
  head: number;
  results: StatePutResult[];
}

/** Changes committed for one person, in rev order, whoever made them and on whichever relay. */
export type PersonStateFeed = (user: string, entries: StateEntry[]) => void;

/**
 * Each person's state (see shared/src/person-state.ts): the latest value per key, each change
 * numbered with the person's next rev. Like the event log, changes reach readers only through
 * `subscribe`, so a change made on another relay is delivered exactly like one made here.
 */
export interface PersonStateStore {
  /** Applies the puts in order, atomically; `now` stamps the entries (ms). */
  put(user: string, puts: StatePut[], now: number): Promise<PutOutcome>;
  /** The keys changed after `since`, latest value only, in rev order (or all of it: `reset`). */
  read(user: string, since: number): Promise<StateSnapshot>;
  /**
   * Feeds every change committed once this resolves (it resolves when the feed is following).
   * Resolves to a function that stops the feed.
   */
  subscribe(feed: PersonStateFeed): Promise<() => void>;
  /** Forgets everything about the person (their account was removed). */
  forget(user: string): Promise<void>;
  close(): Promise<void>;
}

/** An item value's event seq, which a put may not go back on; settings have none. */
export function valueSeq(value: unknown): number | undefined {
  const seq = (value as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' ? seq : undefined;
}
