import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAccountStore } from './account-store-suite';
import { openDatabase } from './database';
import { SqliteAccounts } from './sqlite-accounts';
import { describeActionClaims } from './action-claims-suite';
import { SqliteActionClaims } from './action-claims';

describeAccountStore('SQLite', async () => {
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'accounts-')));
  const store = new SqliteAccounts(db);
  return Object.assign(store, {
    close: async () => db.close(),
  });
});

describe('a data dir from before act grants and action URLs', () => {
  it('gains the columns on open: its users keep signing in, with no grant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accounts-old-'));
    const before = openDatabase(dir);
    await new SqliteAccounts(before).addUser('old', 'old-password', ['tickets']);
    before.exec('ALTER TABLE users DROP COLUMN act; ALTER TABLE publishers DROP COLUMN action_url');
    before.close();

    const db = openDatabase(dir);
    const store = new SqliteAccounts(db);
    const session = await store.login('old', 'old-password');
    expect(session).toMatchObject({ topics: ['tickets'], act: [] });
    expect(await store.authenticate(session!.token)).toMatchObject({ act: [] });
    db.close();
  });
});

describeActionClaims('SQLite', async () => {
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'claims-')));
  return new SqliteActionClaims(db);
});
