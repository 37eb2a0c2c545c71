import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAccountStore } from './account-store-suite';
import { openDatabase } from './database';
import { SqliteAccounts } from './sqlite-accounts';

describeAccountStore('SQLite', async () => {
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'accounts-')));
  const store = new SqliteAccounts(db);
  return Object.assign(store, {
    close: async () => db.close(),
  });
});
