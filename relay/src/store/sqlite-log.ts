import type { Statement } from 'better-sqlite3';
import type { PublishResult } from '@herald/shared';
import { getMeta, type Db } from './database';
import {
  withSeq,
  type AppendOutcome,
  type ChangeFeed,
  type EventLog,
  type LogPosition,
  type NewEvent,
  type StoredEvent,
} from './log';

/** Rows deleted per retention step, so pruning never holds the write lock for long. */
const PRUNE_BATCH = 2000;

export interface SqliteLogOptions {
  maxEvents: number;
  maxAgeSeconds: number;
}

export class SqliteLog implements EventLog {
  readonly epoch: string;
  private headSeq: number;
  private pruned: number;
  private readonly findDuplicate: Statement<[string, string], { seq: number }>;
  private readonly insert: Statement<[number, string, string, string, number, string]>;
  private readonly currentSeq: Statement<[], { seq: number }>;
  private readonly pruneCandidates: Statement<[number, number, number], { seq: number }>;
  private readonly deleteThrough: Statement<[number]>;
  private readonly setPruned: Statement<[string]>;
  private readonly readAfter: Statement<[number, number], StoredEvent>;
  private readonly appendAllTx: (batches: NewEvent[][]) => AppendOutcome[];
  private readonly feeds = new Set<ChangeFeed>();
  /** Appends asked for in this turn of the event loop, committed together at its end. */
  private waiting: {
    events: NewEvent[];
    resolve: (outcome: AppendOutcome) => void;
    reject: (err: unknown) => void;
  }[] = [];

  constructor(
    private readonly db: Db,
    private readonly options: SqliteLogOptions,
  ) {
    this.epoch = getMeta(db, 'epoch') ?? '';
    this.pruned = Number(getMeta(db, 'pruned_through') ?? 0);
    // AUTOINCREMENT keeps seq monotonic even after every row was pruned.
    this.currentSeq = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'events'`);
    this.headSeq = this.currentSeq.get()?.seq ?? 0;
    this.findDuplicate = db.prepare('SELECT seq FROM events WHERE topic = ? AND id = ?');
    this.insert = db.prepare(
      'INSERT INTO events (seq, id, topic, kind, ts, json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.pruneCandidates = db.prepare(
      'SELECT seq FROM events WHERE seq <= ? OR ts < ? ORDER BY seq LIMIT ?',
    );
    this.deleteThrough = db.prepare('DELETE FROM events WHERE seq <= ?');
    this.setPruned = db.prepare(`UPDATE meta SET value = ? WHERE key = 'pruned_through'`);
    this.readAfter = db.prepare(
      'SELECT seq, topic, kind, ts, json FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.appendAllTx = db.transaction((batches: NewEvent[][]) =>
      batches.map((events) => this.appendSync(events)),
    );
  }

  async position(): Promise<LogPosition> {
    return { epoch: this.epoch, head: this.headSeq, prunedThrough: this.pruned };
  }

  /**
   * Group commit: every append asked for in one turn of the event loop (concurrent POSTs,
   * connectors) goes into one transaction at the turn's end, in the order asked, so a commit's
   * cost (its WAL writes) is shared instead of paid per request. Each caller still hears back
   * only after its events are committed, with its own results; if the commit fails, every
   * caller in it is told, and none of their events was written.
   */
  append(events: NewEvent[]): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ events, resolve, reject }) === 1)
        setImmediate(() => this.commitWaiting());
    });
  }

  private commitWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    let outcomes: AppendOutcome[];
    try {
      outcomes = this.appendAllTx(waiting.map((w) => w.events));
    } catch (err) {
      for (const w of waiting) w.reject(err);
      return;
    }
    try {
      const appended = outcomes.flatMap((o) => o.appended);
      const last = appended.at(-1);
      if (last) {
        this.headSeq = last.seq;
        // One process owns this file (relay.lock), so every commit passes here: the feed fires
        // in the same turn, before the append's callers hear back.
        for (const feed of this.feeds) feed.committed(appended);
      }
    } finally {
      waiting.forEach((w, i) => w.resolve(outcomes[i]!));
    }
  }

  subscribe(after: number, feed: ChangeFeed): () => void {
    // Catch the subscriber up synchronously: nothing can be committed in between.
    for (let from = after; from < this.headSeq; ) {
      const rows = this.readAfter.all(from, 1000);
      if (rows.length === 0) break;
      feed.committed(rows);
      from = rows.at(-1)!.seq;
    }
    this.feeds.add(feed);
    return () => this.feeds.delete(feed);
  }

  private appendSync(events: NewEvent[]): AppendOutcome {
    const results: PublishResult[] = [];
    const appended: StoredEvent[] = [];
    const inBatch = new Map<string, number>();
    // Read inside the transaction: the sequence row is the truth even if the cached head is stale.
    let seq = this.currentSeq.get()?.seq ?? 0;
    for (const e of events) {
      const key = `${e.topic}\u0000${e.id}`;
      const dup = inBatch.get(key) ?? this.findDuplicate.get(e.topic, e.id)?.seq;
      if (dup !== undefined) {
        results.push({ id: e.id, seq: dup, duplicate: true });
        continue;
      }
      seq += 1;
      const json = withSeq(seq, e.json);
      // An explicit seq still advances AUTOINCREMENT's counter, so a seq is never reused.
      this.insert.run(seq, e.id, e.topic, e.kind, e.ts, json);
      inBatch.set(key, seq);
      results.push({ id: e.id, seq, duplicate: false });
      appended.push({ seq, topic: e.topic, kind: e.kind, ts: e.ts, json });
    }
    return { results, appended };
  }

  async read(after: number, limit: number): Promise<StoredEvent[]> {
    return this.readAfter.all(after, limit);
  }

  async prune(now: number): Promise<number> {
    const cutoff = now - this.options.maxAgeSeconds * 1000;
    const countLimit = this.headSeq - this.options.maxEvents;
    let total = 0;
    for (;;) {
      const deleted = this.db.transaction(() => {
        const rows = this.pruneCandidates.all(countLimit, cutoff, PRUNE_BATCH);
        const last = rows.at(-1);
        if (!last) return 0;
        // Everything up to the newest pruned seq counts as gone, so resumes from before it see a gap.
        this.deleteThrough.run(last.seq);
        this.setPruned.run(String(last.seq));
        this.pruned = last.seq;
        return rows.length;
      })();
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
      // Let publishers in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    this.feeds.clear();
  }
}
