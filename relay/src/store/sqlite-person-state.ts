import {
  PERSON_STATE_MAX_ENTRIES,
  SETTINGS_KEY,
  type StateEntry,
  type StatePut,
} from '@herald/shared';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';
import {
  valueSeq,
  type PersonStateFeed,
  type PersonStateStore,
  type PutOutcome,
} from './person-state';

interface Row {
  key: string;
  rev: number;
  seq: number | null;
  at: number;
  value: string;
}

const toEntry = (r: Row): StateEntry => ({
  key: r.key,
  rev: r.rev,
  at: r.at,
  value: JSON.parse(r.value) as unknown,
});

/** Deletes a person's state; inside the caller's transaction (also the account's removal). */
export function forgetPerson(db: Db, user: string): void {
  db.prepare('DELETE FROM person_state WHERE user = ?').run(user);
  db.prepare('DELETE FROM person_heads WHERE user = ?').run(user);
}

/**
 * Person state in the relay's SQLite file. One relay owns the file, so the feed is this
 * process's own: listeners are called once the transaction has committed.
 */
export class SqlitePersonState implements PersonStateStore {
  private readonly feeds = new Set<PersonStateFeed>();
  private readonly selectHead: Statement<[string], { rev: number; trimmed: number }>;
  private readonly upsertHead: Statement<[string, number, number]>;
  private readonly get: Statement<[string, string], Row>;
  private readonly upsert: Statement<[string, string, number, number | null, number, string]>;
  private readonly count: Statement<[string], { n: number }>;
  private readonly dropOldest: Statement<[string, string, number], { rev: number }>;
  private readonly readAfter: Statement<[string, number], Row>;

  constructor(
    private readonly db: Db,
    private readonly maxEntries = PERSON_STATE_MAX_ENTRIES,
  ) {
    this.selectHead = db.prepare('SELECT rev, trimmed FROM person_heads WHERE user = ?');
    this.upsertHead = db.prepare(
      `INSERT INTO person_heads (user, rev, trimmed) VALUES (?, ?, ?)
       ON CONFLICT (user) DO UPDATE SET rev = excluded.rev, trimmed = excluded.trimmed`,
    );
    this.get = db.prepare('SELECT * FROM person_state WHERE user = ? AND key = ?');
    this.upsert = db.prepare(
      `INSERT INTO person_state (user, key, rev, seq, at, value) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user, key) DO UPDATE SET
         rev = excluded.rev, seq = excluded.seq, at = excluded.at, value = excluded.value`,
    );
    this.count = db.prepare(`SELECT count(*) AS n FROM person_state WHERE user = ?`);
    this.dropOldest = db.prepare(
      `DELETE FROM person_state WHERE rowid IN (
         SELECT rowid FROM person_state WHERE user = ? AND key != ?
         ORDER BY rev LIMIT ?)
       RETURNING rev`,
    );
    this.readAfter = db.prepare(
      'SELECT * FROM person_state WHERE user = ? AND rev > ? ORDER BY rev',
    );
  }

  private head(user: string): { rev: number; trimmed: number } {
    return this.selectHead.get(user) ?? { rev: 0, trimmed: 0 };
  }

  async put(user: string, puts: StatePut[], now: number): Promise<PutOutcome> {
    const changed: StateEntry[] = [];
    const outcome = this.db.transaction((): PutOutcome => {
      let { rev, trimmed } = this.head(user);
      const results = puts.map((put) => {
        const current = this.get.get(user, put.key);
        const seq = valueSeq(put.value);
        const conflict = put.ifRev !== undefined && (current?.rev ?? 0) !== put.ifRev;
        const stale = !conflict && seq !== undefined && (current?.seq ?? 0) > seq;
        if (conflict || stale) {
          return {
            key: put.key,
            applied: false as const,
            reason: conflict ? ('conflict' as const) : ('stale' as const),
            current: current ? toEntry(current) : null,
          };
        }
        rev += 1;
        this.upsert.run(user, put.key, rev, seq ?? null, now, JSON.stringify(put.value));
        changed.push({ key: put.key, rev, at: now, value: put.value });
        return { key: put.key, applied: true as const, rev };
      });
      trimmed = Math.max(trimmed, this.trim(user));
      this.upsertHead.run(user, rev, trimmed);
      return { head: rev, results };
    })();
    if (changed.length > 0) for (const feed of this.feeds) feed(user, changed);
    return outcome;
  }

  /** Drops the oldest item entries past the bound (never the settings); returns the newest rev dropped (or 0). */
  private trim(user: string): number {
    const excess = this.count.get(user)!.n - this.maxEntries;
    if (excess <= 0) return 0;
    const dropped = this.dropOldest.all(user, SETTINGS_KEY, excess);
    return Math.max(0, ...dropped.map((d) => d.rev));
  }

  async read(user: string, since: number) {
    const { rev, trimmed } = this.head(user);
    const reset = since > rev || since < trimmed;
    const rows = this.readAfter.all(user, reset ? 0 : since);
    return { head: rev, reset, entries: rows.map(toEntry) };
  }

  async subscribe(feed: PersonStateFeed): Promise<() => void> {
    this.feeds.add(feed);
    return () => this.feeds.delete(feed);
  }

  async forget(user: string): Promise<void> {
    this.db.transaction(() => forgetPerson(this.db, user))();
  }

  async close(): Promise<void> {
    this.feeds.clear();
  }
}
