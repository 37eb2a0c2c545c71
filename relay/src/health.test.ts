import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreHealth } from './health';

const dataDir = mkdtempSync(join(tmpdir(), 'health-'));

describe('StoreHealth', () => {
  it('is red while the probe write fails, with the store error as the reason', async () => {
    let now = 0;
    let failing = true;
    const h = new StoreHealth({
      dataDir,
      minFreeBytes: 0,
      now: () => now,
      probe: () => {
        if (failing) throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE');
      },
    });
    expect(await h.check()).toEqual({
      ok: false,
      reason: 'store: SQLITE_IOERR_WRITE: disk I/O error',
    });
    failing = false;
    expect((await h.check()).ok).toBe(false); // cached for a second
    now = 1000;
    expect(await h.check()).toEqual({ ok: true });
  });

  it('is red after a failed append until one succeeds or the failure is old', async () => {
    let now = 0;
    const h = new StoreHealth({ dataDir, minFreeBytes: 0, now: () => now, probe: () => {} });
    h.appendFailed(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
    expect(await h.check()).toEqual({
      ok: false,
      reason: 'publishing failed: SQLITE_FULL: database or disk is full',
    });
    h.appendSucceeded();
    expect(await h.check()).toEqual({ ok: true });
    h.appendFailed(new Error('x'));
    now = 11_000;
    expect(await h.check()).toEqual({ ok: true });
  });

  it('is red when the filesystem has less free space than the floor', async () => {
    const h = new StoreHealth({ dataDir, minFreeBytes: Number.MAX_SAFE_INTEGER, probe: () => {} });
    const r = await h.check();
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/^disk full: \d+ KiB free/);
  });
});
