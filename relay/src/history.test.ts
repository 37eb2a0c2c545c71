import { describe, expect, it } from 'vitest';
import { scanLog } from './history';
import type { StoredEvent } from './store/log';

/** A log of `n` events, every tenth on topic `mine`, counting reads and rows handed out. */
function fakeLog(n: number, firstSeq = 1) {
  const rows: StoredEvent[] = Array.from({ length: n }, (_, i) => ({
    seq: firstSeq + i,
    topic: (firstSeq + i) % 10 === 0 ? 'mine' : 'other',
    kind: 'k',
    ts: 0,
    json: `{"seq":${firstSeq + i}}`,
  }));
  const stats = { reads: 0, rows: 0 };
  return {
    stats,
    head: () => (n === 0 ? firstSeq - 1 : rows.at(-1)!.seq),
    read: async (after: number, limit: number) => {
      stats.reads++;
      const out = rows.filter((r) => r.seq > after).slice(0, limit);
      stats.rows += out.length;
      return out;
    },
  };
}
const mine = (topic: string) => topic === 'mine';

describe('scanLog', () => {
  it('stops after the row budget, not the match count, and says where to go on', async () => {
    const log = fakeLog(100_000);
    let yields = 0;
    const r = await scanLog(
      log,
      0,
      log.head(),
      () => false,
      1000,
      10_000,
      async () => void yields++,
    );
    expect(r.events).toEqual([]);
    expect(r.next).toBe(10_000);
    expect(log.stats.rows).toBe(10_000);
    // One page per turn: it yielded between every two pages.
    expect(log.stats.reads).toBe(20);
    expect(yields).toBe(19);
  });

  it('following next reaches the head with every accepted event exactly once', async () => {
    const log = fakeLog(25_000);
    const seen: number[] = [];
    let since = 0;
    for (let i = 0; i < 100 && since < log.head(); i++) {
      const r = await scanLog(log, since, log.head(), mine, 300, 10_000, async () => {});
      seen.push(...r.events.map((j) => (JSON.parse(j) as { seq: number }).seq));
      since = r.next;
    }
    expect(since).toBe(25_000);
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => (i + 1) * 10));
  });

  it('a full page ends at its last event; an empty or pruned log ends at the head', async () => {
    const r = await scanLog(fakeLog(100), 0, 100, mine, 3, 10_000, async () => {});
    expect(r.next).toBe(30);
    expect((await scanLog(fakeLog(0, 51), 0, 50, mine, 3)).next).toBe(50);
  });
});
