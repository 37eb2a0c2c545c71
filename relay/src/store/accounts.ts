import type { Statement } from 'better-sqlite3';
import { hashPassword, hashToken, newToken, sameDigest, verifyPassword } from '../secrets';
import type { Db } from './database';

export type Principal =
  | { kind: 'session'; name: string; topics: string[]; tokenHash: string }
  | { kind: 'publisher'; name: string; topics: string[]; tokenHash: string };

export interface AccountSummary {
  name: string;
  topics: string[];
  createdAt: string;
}

export class AccountExistsError extends Error {}
export class AccountMissingError extends Error {}

interface AccountRow {
  name: string;
  topics: string;
  created_at: number;
}

const summary = (row: AccountRow): AccountSummary => ({
  name: row.name,
  topics: JSON.parse(row.topics) as string[],
  createdAt: new Date(row.created_at).toISOString(),
});

/** Users (scrypt passwords), publishers, and the hashed bearer tokens of both. */
export class Accounts {
  private readonly lookup: Statement<
    [string],
    { hash: string; kind: string; name: string; topics: string }
  >;

  constructor(private readonly db: Db) {
    this.lookup = db.prepare(`
      SELECT t.hash, t.kind, t.name, COALESCE(u.topics, p.topics) AS topics
      FROM tokens t
      LEFT JOIN users u ON t.kind = 'session' AND u.name = t.name
      LEFT JOIN publishers p ON t.kind = 'publisher' AND p.name = t.name
      WHERE t.hash = ?`);
  }

  async addUser(name: string, password: string, topics: string[]): Promise<void> {
    const hash = await hashPassword(password);
    const info = this.db
      .prepare(
        'INSERT OR IGNORE INTO users (name, password_hash, topics, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(name, hash, JSON.stringify(topics), Date.now());
    if (info.changes === 0) throw new AccountExistsError(`user ${name} already exists`);
  }

  listUsers(): AccountSummary[] {
    return (
      this.db
        .prepare('SELECT name, topics, created_at FROM users ORDER BY name')
        .all() as AccountRow[]
    ).map(summary);
  }

  /** Removes the user and every session token it holds. */
  removeUser(name: string): void {
    const removed = this.db.transaction(() => {
      this.db.prepare(`DELETE FROM tokens WHERE kind = 'session' AND name = ?`).run(name);
      return this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes;
    })();
    if (removed === 0) throw new AccountMissingError(`no user named ${name}`);
  }

  /** Checks the password (always spending one scrypt) and, if right, mints a session token. */
  async login(name: string, password: string): Promise<{ token: string; topics: string[] } | null> {
    const row = this.db
      .prepare('SELECT password_hash, topics FROM users WHERE name = ?')
      .get(name) as { password_hash: string; topics: string } | undefined;
    const ok = await verifyPassword(password, row?.password_hash);
    if (!ok || !row) return null;
    const token = newToken();
    this.db
      .prepare(`INSERT INTO tokens (hash, kind, name, created_at) VALUES (?, 'session', ?, ?)`)
      .run(hashToken(token), name, Date.now());
    return { token, topics: JSON.parse(row.topics) as string[] };
  }

  /** Returns the publisher's token: the only time it is ever seen. */
  addPublisher(name: string, topics: string[]): string {
    const token = newToken();
    this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT OR IGNORE INTO publishers (name, topics, created_at) VALUES (?, ?, ?)')
        .run(name, JSON.stringify(topics), Date.now());
      if (info.changes === 0) throw new AccountExistsError(`publisher ${name} already exists`);
      this.db
        .prepare(`INSERT INTO tokens (hash, kind, name, created_at) VALUES (?, 'publisher', ?, ?)`)
        .run(hashToken(token), name, Date.now());
    })();
    return token;
  }

  listPublishers(): AccountSummary[] {
    return (
      this.db
        .prepare('SELECT name, topics, created_at FROM publishers ORDER BY name')
        .all() as AccountRow[]
    ).map(summary);
  }

  removePublisher(name: string): void {
    const removed = this.db.transaction(() => {
      this.db.prepare(`DELETE FROM tokens WHERE kind = 'publisher' AND name = ?`).run(name);
      return this.db.prepare('DELETE FROM publishers WHERE name = ?').run(name).changes;
    })();
    if (removed === 0) throw new AccountMissingError(`no publisher named ${name}`);
  }

  /** Who holds this token, if anyone; the stored hash is compared in constant time. */
  authenticate(token: string): Principal | null {
    const hash = hashToken(token);
    const row = this.lookup.get(hash);
    if (!row || row.topics === null || !sameDigest(row.hash, hash)) return null;
    const topics = JSON.parse(row.topics) as string[];
    return row.kind === 'publisher'
      ? { kind: 'publisher', name: row.name, topics, tokenHash: hash }
      : { kind: 'session', name: row.name, topics, tokenHash: hash };
  }

  /** Is this token hash still valid? Used to re-check live connections. */
  isLive(tokenHash: string): boolean {
    const row = this.lookup.get(tokenHash);
    return row !== undefined && row.topics !== null;
  }

  revoke(tokenHash: string): void {
    this.db.prepare('DELETE FROM tokens WHERE hash = ?').run(tokenHash);
  }
}
