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

/** Where the log stands. Read with `position()`: a shared log may have moved since. */
export interface LogPosition {
  /** Names this log: changes only when the log is recreated. */
  epoch: string;
  /** The newest seq (0 when empty). */
  head: number;
  /** Every seq at or below this has been pruned by retention. */
  prunedThrough: number;
}

/** What the change feed tells its subscriber. */
export interface ChangeFeed {
  /** Newly committed events, in seq order, with no gap from the previous batch. */
  committed(events: StoredEvent[]): void;
  /**
   * The feed cannot go on from where it was: the log was recreated (a new epoch), or retention
   * removed events before they were fed. Readers must resume, not be left on the old position.
   */
  reset?(position: LogPosition): void;
}

/**
 * The ordered, durable event log: SQLite embedded, or shared by several relays. Events reach
 * fan-out only through its change feed, whoever appended them (Centrifuge's broker seam), so
 * an append on another instance is delivered exactly like one made here.
 */
export interface EventLog {
  position(): Promise<LogPosition>;
  /** Durable once the promise resolves. Idempotent by (topic, id). */
  append(events: NewEvent[]): Promise<AppendOutcome>;
  /** Up to `limit` events with seq > `after`, in seq order. */
  read(after: number, limit: number): Promise<StoredEvent[]>;
  /**
   * Feeds every event committed after `after` to `feed`, in order: any already committed
   * first, then each commit, whoever appended it. One subscription per log (a relay tails
   * once and fans out). Returns a function that stops the feed.
   */
  subscribe(after: number, feed: ChangeFeed): () => void;
  /** Applies retention; returns how many events were pruned. */
  prune(now: number): Promise<number>;
  /** Stops feeds and releases what the log holds; the database handle belongs to its owner. */
  close(): Promise<void>;
}
