import { forgetPerson } from './sqlite-person-state';
import type { Statement } from 'better-sqlite3';
import { hashPassword, hashToken, newToken, sameDigest, verifyPassword } from '../secrets';
import {
  AccountExistsError,
  AccountMissingError,
  type AccountStore,
  type AccountSummary,
  type ActionTarget,
  type LoginGrant,
  type Principal,
  type RevokedListener,
} from './accounts';
import type { Db } from './database';

interface AccountRow {
  name: string;
  topics: string;
  extra: string | null;
  created_at: number;
}

const list = (json: string) => JSON.parse(json) as string[];

/** Accounts in the relay's SQLite file: one relay, or CLI commands beside it. */
export class SqliteAccounts implements AccountStore {
  private readonly revokedListeners: RevokedListener[] = [];

  private readonly lookup: Statement<
    [string],
    { hash: string; kind: string; name: string; topics: string; act: string; action_url: string }
  >;

  constructor(private readonly db: Db) {
    this.lookup = db.prepare(`
      SELECT t.hash, t.kind, t.name, COALESCE(u.topics, p.topics) AS topics, u.act, p.action_url
      FROM tokens t
      LEFT JOIN users u ON t.kind = 'session' AND u.name = t.name
      LEFT JOIN publishers p ON t.kind = 'publisher' AND p.name = t.name
      WHERE t.hash = ?`);
  }

  async addUser(
    name: string,
    password: string,
    topics: string[],
    act: string[] = [],
  ): Promise<void> {
    const hash = await hashPassword(password);
    const info = this.db
      .prepare(
        'INSERT OR IGNORE INTO users (name, password_hash, topics, act, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(name, hash, JSON.stringify(topics), JSON.stringify(act), Date.now());
    if (info.changes === 0) throw new AccountExistsError(`user ${name} already exists`);
  }

  private list(table: 'users' | 'publishers'): AccountSummary[] {
    const extra = table === 'users' ? 'act' : 'action_url';
    const rows = this.db
      .prepare(`SELECT name, topics, ${extra} AS extra, created_at FROM ${table} ORDER BY name`)
      .all() as AccountRow[];
    return rows.map((row) => ({
      name: row.name,
      topics: list(row.topics),
      ...(table === 'users' ? { act: list(row.extra ?? '[]') } : {}),
      ...(table === 'publishers' && row.extra ? { actionUrl: row.extra } : {}),
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }

  async listUsers(): Promise<AccountSummary[]> {
    return this.list('users');
  }

  /** Removes the user and every session token it holds. */
  async removeUser(name: string): Promise<void> {
    const { removed, hashes } = this.db.transaction(() => {
      const hashes = (
        this.db
          .prepare(`SELECT hash FROM tokens WHERE kind = 'session' AND name = ?`)
          .all(name) as { hash: string }[]
      ).map((r) => r.hash);
      this.db.prepare(`DELETE FROM tokens WHERE kind = 'session' AND name = ?`).run(name);
      const removed = this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes;
      // Their read marks and settings must not greet a new account given the same name.
      forgetPerson(this.db, name);
      return { removed, hashes };
    })();
    if (removed === 0) throw new AccountMissingError(`no user named ${name}`);
    this.revoked(hashes, 'user removed');
  }

  /** Checks the password (always spending one scrypt) and, if right, mints a session token. */
  async login(name: string, password: string): Promise<LoginGrant | null> {
    const row = this.db
      .prepare('SELECT password_hash, topics, act FROM users WHERE name = ?')
      .get(name) as { password_hash: string; topics: string; act: string } | undefined;
    const ok = await verifyPassword(password, row?.password_hash);
    if (!ok || !row) return null;
    const token = newToken();
    this.db
      .prepare(`INSERT INTO tokens (hash, kind, name, created_at) VALUES (?, 'session', ?, ?)`)
      .run(hashToken(token), name, Date.now());
    return { token, topics: list(row.topics), act: list(row.act) };
  }

  /** Returns the publisher's token: the only time it is ever seen. */
  async addPublisher(name: string, topics: string[], actionUrl?: string): Promise<string> {
    const token = newToken();
    this.db.transaction(() => {
      const info = this.db
        .prepare(
          'INSERT OR IGNORE INTO publishers (name, topics, action_url, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(name, JSON.stringify(topics), actionUrl ?? null, Date.now());
      if (info.changes === 0) throw new AccountExistsError(`publisher ${name} already exists`);
      this.db
        .prepare(`INSERT INTO tokens (hash, kind, name, created_at) VALUES (?, 'publisher', ?, ?)`)
        .run(hashToken(token), name, Date.now());
    })();
    return token;
  }

  async listPublishers(): Promise<AccountSummary[]> {
    return this.list('publishers');
  }

  async actionTarget(publisher: string): Promise<ActionTarget | null> {
    const row = this.db
      .prepare(
        `SELECT p.action_url AS url, t.hash AS key FROM publishers p
         JOIN tokens t ON t.kind = 'publisher' AND t.name = p.name
         WHERE p.name = ? AND p.action_url IS NOT NULL`,
      )
      .get(publisher) as ActionTarget | undefined;
    return row ?? null;
  }

  async removePublisher(name: string): Promise<void> {
    const removed = this.db.transaction(() => {
      this.db.prepare(`DELETE FROM tokens WHERE kind = 'publisher' AND name = ?`).run(name);
      return this.db.prepare('DELETE FROM publishers WHERE name = ?').run(name).changes;
    })();
    if (removed === 0) throw new AccountMissingError(`no publisher named ${name}`);
  }

  /** Who holds this token, if anyone; the stored hash is compared in constant time. */
  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const row = this.lookup.get(hash);
    if (!row || row.topics === null || !sameDigest(row.hash, hash)) return null;
    const topics = list(row.topics);
    return row.kind === 'publisher'
      ? {
          kind: 'publisher',
          name: row.name,
          topics,
          ...(row.action_url ? { actionUrl: row.action_url } : {}),
          tokenHash: hash,
        }
      : { kind: 'session', name: row.name, topics, act: list(row.act ?? '[]'), tokenHash: hash };
  }

  async liveTokens(hashes: string[]): Promise<Set<string>> {
    const live = new Set<string>();
    for (const hash of hashes) {
      const row = this.lookup.get(hash);
      if (row !== undefined && row.topics !== null) live.add(hash);
    }
    return live;
  }

  async revoke(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM tokens WHERE hash = ?').run(tokenHash);
    this.revoked([tokenHash], 'signed out');
  }

  /** Only this process hears: the CLI's removals reach a running relay at its next heartbeat. */
  async onRevoked(listener: RevokedListener): Promise<void> {
    this.revokedListeners.push(listener);
  }

  private revoked(hashes: string[], reason: Parameters<RevokedListener>[1]) {
    if (hashes.length > 0) for (const l of this.revokedListeners) l(hashes, reason);
  }

  /** The database belongs to whoever opened it. */
  async close(): Promise<void> {}
}
