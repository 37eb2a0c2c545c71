import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  topic TEXT NOT NULL,
  kind TEXT NOT NULL,
  ts INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_topic_id ON events (topic, id);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  topics TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS publishers (
  name TEXT PRIMARY KEY,
  topics TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'publisher')),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_name ON tokens (kind, name);
CREATE TABLE IF NOT EXISTS actions (
  request_id TEXT PRIMARY KEY,
  user TEXT NOT NULL,
  result TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_at ON actions (at);
CREATE TABLE IF NOT EXISTS person_state (
  user TEXT NOT NULL,
  key TEXT NOT NULL,
  rev INTEGER NOT NULL,
  seq INTEGER,
  at INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (user, key)
);
CREATE INDEX IF NOT EXISTS person_state_rev ON person_state (user, rev);
CREATE TABLE IF NOT EXISTS person_heads (
  user TEXT PRIMARY KEY,
  rev INTEGER NOT NULL,
  trimmed INTEGER NOT NULL DEFAULT 0
);
`;

/** Columns added after the first release: a file from before gets them with their defaults. */
const ADDED_COLUMNS = [
  { table: 'users', column: 'act', type: `TEXT NOT NULL DEFAULT '[]'` },
  { table: 'publishers', column: 'action_url', type: 'TEXT' },
];

function addMissingColumns(db: Database.Database) {
  for (const { table, column, type } of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column))
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/**
 * Opens (creating if needed) the relay's SQLite file in WAL mode. The epoch, which names this
 * log for resuming clients, is minted once when the file is created and never changes after.
 */
export function openDatabase(dataDir: string, sync: 'normal' | 'full' = 'normal'): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'herald.db'));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a killed process (the WAL is in the OS cache); FULL survives power loss.
  db.pragma(`synchronous = ${sync.toUpperCase()}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  addMissingColumns(db);
  db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', ?)`).run(randomUUID());
  db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('pruned_through', '0')`).run();
  return db;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
    | { value: string }
    | undefined;
  return row?.value;
}
