import type { PublishResult } from '@herald/shared';

/** An event as the log keeps it: the envelope pre-encoded once, plus what readers filter on. */
export interface StoredEvent {
  seq: number;
  topic: string;
  kind: string;
  ts: number;
  /** The JSON envelope, exactly as every reader receives it. */
  json: string;
}

/** An event ready to append: the envelope without its seq, which the log assigns. */
export interface NewEvent {
  id: string;
  topic: string;
  kind: string;
  ts: number;
  /** The envelope's JSON object without `seq`; the log puts `"seq":N` first. */
  json: string;
}

/** The stored envelope: `seq` first, then the rest exactly as encoded at publish. */
export function withSeq(seq: number, json: string): string {
  return json === '{}' ? `{"seq":${seq}}` : `{"seq":${seq},${json.slice(1)}`;
}

export interface AppendOutcome {
  results: PublishResult[];
  /** The events that were new, in seq order; duplicates deliver nothing. */
  appended: StoredEvent[];
}

/**
 * The ordered, durable event log. SQLite today; a Redis Streams backend for several relay
 * instances implements the same interface.
 */
export interface EventLog {
  /** Names this log: changes only when the log is recreated. */
  readonly epoch: string;
  /** The newest seq (0 when empty). */
  head(): number;
  /** Every seq at or below this has been pruned by retention. */
  prunedThrough(): number;
  /** Durable once the promise resolves. Idempotent by (topic, id). */
  append(events: NewEvent[]): Promise<AppendOutcome>;
  /** Up to `limit` events with seq > `after`, in seq order. */
  read(after: number, limit: number): Promise<StoredEvent[]>;
  /** Applies retention; returns how many events were pruned. */
  prune(now: number): Promise<number>;
  close(): Promise<void>;
}
