import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Another relay already serves this data dir. */
export class DataDirLockedError extends Error {}

/**
 * Takes the data dir for this process's life, or throws DataDirLockedError. Two relays on one
 * SQLite file would each deliver only their own appends and lose the other's events silently.
 *
 * The lock is SQLite's own (POSIX advisory) lock on `relay.lock`, held in exclusive locking
 * mode: the kernel drops it when the process dies however it dies (kill -9 included), so there
 * is no stale lock to clean up, and no timing guess as a pid file or lease would need. The pid
 * file beside it only helps the error message name the owner.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'relay.lock');
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the EXCLUSIVE lock; in this mode it is kept until close.
    db.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER, host TEXT, since TEXT)');
    db.exec('DELETE FROM owner');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    let owner = '';
    try {
      owner = ` (pid ${readFileSync(`${path}.pid`, 'utf8').trim()})`;
    } catch {
      // no pid file: the message goes without it
    }
    throw new DataDirLockedError(
      `another herald-relay is already serving ${dataDir}${owner}. One data dir serves one ` +
        'relay; to run several relays as one Herald, give each the Redis backend ' +
        '(HERALD_REDIS_URL) instead of a shared data dir.',
    );
  }
  writeFileSync(`${path}.pid`, `${process.pid}@${hostname()}\n`);
  return () => db.close();
}
