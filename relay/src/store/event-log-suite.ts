import { waitFor } from '@herald/testkit/wait';
import { describe, expect, it } from 'vitest';
import type { EventLog, NewEvent, StoredEvent } from './log';

export interface RetentionOptions {
  maxEvents: number;
  maxAgeSeconds: number;
}

/** How a backend's test file hands the suite a log: fresh, or reopened on the same storage. */
export interface LogFactory {
  /** A new, empty log. */
  create(options: RetentionOptions): Promise<OpenedLog>;
}
export interface OpenedLog {
  log: EventLog;
  /** Closes this log and opens the same storage again (a relay restart). */
  reopen(options: RetentionOptions): Promise<OpenedLog>;
  close(): Promise<void>;
}

export const newEvent = (id: string, ts = Date.now(), topic = 't'): NewEvent => ({
  id,
  topic,
  kind: 'k',
  ts,
  json: JSON.stringify({ id, topic, kind: 'k' }),
});

const keep = { maxEvents: 1000, maxAgeSeconds: 3600 };

/**
 * The contract every event log backend keeps (Centrifuge runs one broker suite against each
 * engine): a backend is done when its test file calls this and it passes.
 */
export function describeEventLog(name: string, factory: LogFactory): void {
  describe(`EventLog contract: ${name}`, () => {
    it('assigns increasing seqs and dedupes by (topic, id) within and across batches', async () => {
      const { log, close } = await factory.create(keep);
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
      expect((await log.position()).head).toBe(3);
      await close();
    });

    it('reads pages after a seq, in order', async () => {
      const { log, close } = await factory.create(keep);
      await log.append(Array.from({ length: 25 }, (_, i) => newEvent(`e${i}`)));
      expect((await log.read(0, 10)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await log.read(20, 10)).map((e) => e.seq)).toEqual([21, 22, 23, 24, 25]);
      expect(await log.read(25, 10)).toEqual([]);
      await close();
    });

    it('prunes a prefix by age and by count, records how far, and never reuses a seq', async () => {
      const opened = await factory.create({ maxEvents: 3, maxAgeSeconds: 60 });
      const { log } = opened;
      const now = 1_000_000;
      await log.append([
        newEvent('old', now - 61_000),
        newEvent('x1', now),
        newEvent('x2', now),
        newEvent('x3', now),
      ]);
      expect(await log.prune(now)).toBe(1);
      expect((await log.position()).prunedThrough).toBe(1);
      await log.append([newEvent('x4', now)]);
      expect(await log.prune(now)).toBe(1);
      expect((await log.read(0, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
      const { epoch } = await log.position();
      // Reopened: everything pruned, yet the next seq continues and the epoch is the same.
      const again = await opened.reopen({ maxEvents: 1, maxAgeSeconds: 0 });
      expect(await again.log.position()).toEqual({ epoch, head: 5, prunedThrough: 2 });
      await again.log.prune(now + 1);
      expect(await again.log.read(0, 10)).toEqual([]);
      expect((await again.log.append([newEvent('y', now)])).results[0]!.seq).toBe(6);
      await again.close();
    });

    it('feeds the backlog after `after`, then every commit, in order and once', async () => {
      const { log, close } = await factory.create(keep);
      await log.append([newEvent('before')]);
      const fed: StoredEvent[] = [];
      const stop = log.subscribe(0, { committed: (events) => fed.push(...events) });
      await log.append([newEvent('a'), newEvent('b')]);
      await log.append([newEvent('a')]); // a duplicate commits nothing
      await log.append([newEvent('c')]);
      // A feed may deliver asynchronously (a tailer): wait for it, boundedly.
      await waitFor(() => fed.length >= 4, 'the change feed', { timeoutMs: 2000, intervalMs: 0 });
      expect(fed.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(JSON.parse(fed[1]!.json)).toMatchObject({ seq: 2, id: 'a' });
      stop();
      await close();
    });

    it('keeps its epoch while the storage lives', async () => {
      const opened = await factory.create(keep);
      const { epoch } = await opened.log.position();
      expect(epoch).toMatch(/\S{8,}/);
      const again = await opened.reopen(keep);
      expect((await again.log.position()).epoch).toBe(epoch);
      await again.close();
    });
  });
}
