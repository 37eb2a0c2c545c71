import Database from 'better-sqlite3';

/**
 * Is this the store failing (disk full, I/O error, locked, corrupt) rather than a bug? Such a
 * failure is the request's (503 `store_unavailable`, WebSocket 1011), and the relay keeps
 * serving everyone it can.
 */
export function isStoreFailure(err: unknown): boolean {
  return (
    err instanceof StoreUnavailableError ||
    err instanceof Database.SqliteError ||
    // better-sqlite3's word for a handle that is gone (closed after a fatal error).
    (err instanceof TypeError && err.message === 'The database connection is not open')
  );
}

/** A store that cannot be reached or did not answer in time (Redis down, a command timed out). */
export class StoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/** One line a person can act on: `SQLITE_FULL: database or disk is full`. */
export function describeStoreFailure(err: unknown): string {
  if (err instanceof Database.SqliteError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
