import { describe, expect, it } from 'vitest';
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

describe('SQLite group commit', () => {
  const event = (id: string) => ({
    id,
    topic: 't',
    kind: 'k',
    ts: 1,
    json: JSON.stringify({ id, topic: 't', kind: 'k' }),
  });

  it('appends asked for in one turn are one commit: one feed call, each caller its own results', async () => {
    const { log, close } = open(mkdtempSync(join(tmpdir(), 'log-')), {
      maxEvents: 1000,
      maxAgeSeconds: 3600,
    });
    const commits: number[][] = [];
    log.subscribe(0, { committed: (events) => commits.push(events.map((e) => e.seq)), reset() {} });
    const [a, b, c] = await Promise.all([
      log.append([event('a1'), event('a2')]),
      log.append([event('b1')]),
      log.append([event('a1')]),
    ]);
    expect(commits).toEqual([[1, 2, 3]]);
    expect(a.results.map((r) => r.seq)).toEqual([1, 2]);
    expect(b.results).toEqual([{ id: 'b1', seq: 3, duplicate: false }]);
    expect(c.results).toEqual([{ id: 'a1', seq: 1, duplicate: true }]);
    await close();
  });
});
