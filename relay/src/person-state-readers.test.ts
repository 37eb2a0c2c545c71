import type { ServerMessage, StateEntry, StateSnapshot } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { PersonStateReaders } from './person-state-readers';
import { decode } from '../test/decode-frames';

const entry = (key: string, rev: number): StateEntry => ({ key, rev, at: 1, value: { seq: 1 } });

/** A store whose reads the test releases by hand, to change things while one is in flight. */
function slowStore(entries: StateEntry[]) {
  const reads: { since: number; release: () => void }[] = [];
  return {
    reads,
    read: (_user: string, since: number) =>
      new Promise<StateSnapshot>((resolve) => {
        const release = () => {
          const after = entries.filter((e) => e.rev > since);
          resolve({ head: entries.at(-1)?.rev ?? 0, reset: false, entries: after });
        };
        reads.push({ since, release });
      }),
  };
}

const frames = (sent: Buffer[]) =>
  sent.map((b) => JSON.parse(decode(b).text) as Extract<ServerMessage, { type: 'state' }>);

describe('PersonStateReaders', () => {
  it('holds changes made while the snapshot is read, then sends only what the snapshot lacked', async () => {
    const store = slowStore([entry('read:a', 1), entry('read:b', 2)]);
    const readers = new PersonStateReaders(store);
    const sent: Buffer[] = [];
    const attached = readers.attach('alice', 0, (f) => sent.push(f));
    readers.changed('alice', [entry('read:b', 2)]); // committed before the read: in the snapshot
    readers.changed('alice', [entry('read:c', 3)]); // after it: not in the snapshot
    store.reads[0]!.release();
    await attached;
    expect(frames(sent).map((f) => [f.head, f.entries.map((e) => e.rev)])).toEqual([
      [2, [1, 2]],
      [3, [3]],
    ]);
  });

  it('sends the empty answer to a hello, and each person only their own changes', async () => {
    const store = slowStore([]);
    const readers = new PersonStateReaders(store);
    const alice: Buffer[] = [];
    const bob: Buffer[] = [];
    const a = readers.attach('alice', 0, (f) => alice.push(f));
    const b = readers.attach('bob', 0, (f) => bob.push(f));
    for (const r of store.reads) r.release();
    await Promise.all([a, b]);
    readers.changed('bob', [entry('read:x', 1)]);
    expect(frames(alice)).toEqual([{ type: 'state', head: 0, reset: false, entries: [] }]);
    expect(frames(bob).map((f) => f.head)).toEqual([0, 1]);
    readers.detach(await b);
    readers.changed('bob', [entry('read:y', 2)]);
    expect(bob).toHaveLength(2);
    expect(readers.size).toBe(1);
  });

  it('a change whose rev does not follow on means one was missed: the reader is caught up', async () => {
    const all = [entry('read:a', 1)];
    const store = slowStore(all);
    const readers = new PersonStateReaders(store);
    const sent: Buffer[] = [];
    const attached = readers.attach('alice', 0, (f) => sent.push(f));
    store.reads[0]!.release();
    await attached;
    all.push(entry('read:b', 2), entry('read:c', 3));
    readers.changed('alice', [entry('read:c', 3)]); // rev 2 never came through the feed
    expect(store.reads[1]?.since).toBe(1);
    store.reads[1]!.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(frames(sent).map((f) => f.entries.map((e) => e.key))).toEqual([
      ['read:a'],
      ['read:b', 'read:c'],
    ]);
  });
});
