import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database';
import { describeEventLog, type OpenedLog, type RetentionOptions } from './event-log-suite';
import { SqliteLog } from './sqlite-log';

function open(dir: string, options: RetentionOptions): OpenedLog {
  const db = openDatabase(dir);
  const log = new SqliteLog(db, options);
  const close = async () => {
    await log.close();
    db.close();
  };
  return {
    log,
    close,
    reopen: async (next) => {
      await close();
      return open(dir, next);
    },
  };
}

describeEventLog('SQLite', {
  create: async (options) => open(mkdtempSync(join(tmpdir(), 'log-')), options),
});
