import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { SqliteLog } from './sqlite-log';

const newEvent = (id: string, ts: number, topic = 't') => ({
  id,
  topic,
  kind: 'k',
  ts,
  json: JSON.stringify({ id, topic, kind: 'k' }),
});

describe('SqliteLog', () => {
  it('assigns increasing seqs, dedupes by (topic, id) within and across batches', async () => {
    const log = new SqliteLog(openDatabase(mkdtempSync(join(tmpdir(), 'log-'))), {
      maxEvents: 100,
      maxAgeSeconds: 3600,
    });
    const a = await log.append([
      newEvent('a', 1),
      newEvent('b', 1),
      newEvent('a', 1),
      newEvent('a', 1, 'other'),
    ]);
    expect(a.results.map((r) => [r.seq, r.duplicate])).toEqual([
      [1, false],
      [2, false],
      [1, true],
      [3, false],
    ]);
    expect(JSON.parse(a.appended[0]!.json)).toEqual({ seq: 1, id: 'a', topic: 't', kind: 'k' });
    const b = await log.append([newEvent('b', 1)]);
    expect(b.results[0]).toEqual({ id: 'b', seq: 2, duplicate: true });
    expect(b.appended).toEqual([]);
    expect(log.head()).toBe(3);
  });

  it('prunes by age and by count, records how far, and never reuses a seq', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-'));
    const log = new SqliteLog(openDatabase(dir), { maxEvents: 3, maxAgeSeconds: 60 });
    const now = 1_000_000;
    await log.append([
      newEvent('old', now - 61_000),
      newEvent('x1', now),
      newEvent('x2', now),
      newEvent('x3', now),
    ]);
    expect(await log.prune(now)).toBe(1);
    expect(log.prunedThrough()).toBe(1);
    await log.append([newEvent('x4', now)]);
    expect(await log.prune(now)).toBe(1);
    expect((await log.read(0, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
    await log.close();
    // Reopen: everything pruned, yet the next seq continues.
    const again = new SqliteLog(openDatabase(dir), { maxEvents: 1, maxAgeSeconds: 0 });
    expect(again.prunedThrough()).toBe(2);
    await again.prune(now + 1);
    expect(await again.read(0, 10)).toEqual([]);
    expect((await again.append([newEvent('y', now)])).results[0]!.seq).toBe(6);
    expect(again.epoch).toBe(log.epoch);
  });
});
