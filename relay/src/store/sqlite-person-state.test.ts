import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database';
import { describePersonState } from './person-state-suite';
import { SqlitePersonState } from './sqlite-person-state';

describePersonState('SQLite', async () => {
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'herald-person-')));
  const store = new SqlitePersonState(db, 5);
  return Object.assign(store, {
    close: async () => {
      await SqlitePersonState.prototype.close.call(store);
      db.close();
    },
  });
});
