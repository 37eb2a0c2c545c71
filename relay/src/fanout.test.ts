import { CLOSE } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { Fanout } from './fanout';
import type { StoredEvent } from './store/log';
import { Subscriber, type Sink } from './subscriber';

const stored = (seq: number, topic = 't'): StoredEvent => ({
  seq,
  topic,
  kind: 'k',
  ts: 0,
  json: JSON.stringify({ seq, topic, kind: 'k' }),
});

/** An NDJSON sink that records what a reader would read, and how it was closed. */
class FakeSink implements Sink {
  readonly transport = 'ndjson' as const;
  lines: Record<string, unknown>[] = [];
  closed?: { code: number; reason: string };
  backlog = 0;
  /** How many buffers each write call carried. */
  writes: number[] = [];
  write(chunks: Buffer[]) {
    this.writes.push(chunks.length);
    for (const line of Buffer.concat(chunks).toString().split('\n'))
      if (line) this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  buffered() {
    return this.backlog;
  }
  async drained() {}
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
  /** Seqs of events, with `caught_up` marked where it came. */
  get seqs() {
    return this.lines.map((l) => (l.event === 'caught_up' ? `caught_up@${l.seq}` : l.seq));
  }
}

function setup(rows: StoredEvent[], deliveredThrough: number, bound = 1 << 20) {
  const log = {
    read: async (after: number, limit: number) => rows.filter((r) => r.seq > after).slice(0, limit),
  };
  const cuts: Subscriber[] = [];
  const fanout = new Fanout(log, deliveredThrough, bound, {
    delivered: () => {},
    flushed: () => {},
    slowConsumer: (sub) => cuts.push(sub),
  });
  const reader = (since: number, topics = ['**']) => {
    const sink = new FakeSink();
    const who = { name: 'r', topics, tokenHash: 'h', address: 'a' };
    return { sink, sub: new Subscriber(who, sink, since, undefined) };
  };
  return { fanout, reader, cuts };
}
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('Fanout', () => {
  it('replays what was missed, marks caught_up, then goes live with no duplicate', async () => {
    const rows = [1, 2, 3].map((s) => stored(s));
    const { fanout, reader } = setup(rows, 3);
    const { sink, sub } = reader(0);
    await fanout.attach(sub);
    rows.push(stored(4));
    fanout.deliver([stored(4)]);
    await flushed();
    expect(sink.seqs).toEqual([1, 2, 3, 'caught_up@3', 4]);
  });

  it('commits that arrive in one turn reach a live reader as one buffer in one write', async () => {
    // The floor's shape: a socket write of one buffer takes Node's cheap path; several buffers
    // corked together take writev, which cost Herald a third of its fan-out time.
    const { fanout, reader } = setup([], 0);
    const { sink, sub } = reader(0);
    await fanout.attach(sub);
    sink.writes = [];
    fanout.deliver([stored(1), stored(2)]);
    fanout.deliver([stored(3)]);
    fanout.heartbeat();
    fanout.deliver([stored(4)]);
    await flushed();
    expect(sink.writes).toEqual([1]);
    expect(sink.seqs).toEqual(['caught_up@0', 1, 2, 3, 4, undefined]);
    expect(sink.lines.at(-1)).toMatchObject({ event: 'heartbeat', head: 4 });
  });

  it('hands over against what the feed delivered, not the log: a lagging feed sends nothing twice', async () => {
    // The log already holds 1..5; the change feed has only delivered up to 3 (another relay's
    // appends, still being tailed).
    const rows = [1, 2, 3, 4, 5].map((s) => stored(s));
    const { fanout, reader } = setup(rows, 3);
    const { sink, sub } = reader(0);
    await fanout.attach(sub);
    fanout.deliver([stored(4), stored(5)]);
    fanout.deliver([stored(6)]);
    await flushed();
    expect(sink.seqs).toEqual([1, 2, 3, 4, 5, 'caught_up@5', 6]);
    expect(fanout.deliveredThrough).toBe(6);
  });

  it('a replay that finds its first row pruned away closes 1013 so the reader resumes again', async () => {
    const { fanout, reader } = setup(
      [5, 6].map((s) => stored(s)),
      6,
    );
    const { sink, sub } = reader(2);
    await fanout.attach(sub);
    expect(sink.closed?.code).toBe(CLOSE.TRY_AGAIN_LATER);
    expect(sink.lines).toEqual([]);
    expect(fanout.subscribers.has(sub)).toBe(false);
  });

  it("filters by the reader's topics on replay and live; caught_up names the last seq considered", async () => {
    const rows = [stored(1, 'a'), stored(2, 'b'), stored(3, 'b')];
    const { fanout, reader } = setup(rows, 3);
    const { sink, sub } = reader(0, ['a']);
    await fanout.attach(sub);
    fanout.deliver([stored(4, 'b'), stored(5, 'a')]);
    await flushed();
    expect(sink.seqs).toEqual([1, 'caught_up@3', 5]);
  });

  it('cuts a reader whose unsent bytes pass the bound, and only that one', async () => {
    const { fanout, reader, cuts } = setup([], 0, 16 * 1024);
    const slow = reader(0);
    const fine = reader(0);
    await fanout.attach(slow.sub);
    await fanout.attach(fine.sub);
    slow.sink.backlog = 17 * 1024;
    fanout.deliver([stored(1)]);
    await flushed();
    expect(cuts).toEqual([slow.sub]);
    expect(slow.sink.closed?.code).toBe(CLOSE.TRY_AGAIN_LATER);
    expect(fine.sink.seqs).toEqual(['caught_up@0', 1]);
  });

  it('heartbeats carry what was delivered', async () => {
    const { fanout, reader } = setup([], 7);
    const { sink, sub } = reader(7);
    await fanout.attach(sub);
    fanout.heartbeat();
    await flushed();
    expect(sink.lines.at(-1)).toMatchObject({ event: 'heartbeat', head: 7 });
  });

  it('a reset (new epoch) sends every reader back to resume and restarts the delivered mark', async () => {
    const { fanout, reader } = setup([], 9);
    const a = reader(9);
    const b = reader(9);
    await fanout.attach(a.sub);
    await fanout.attach(b.sub);
    expect(fanout.reset(0)).toBe(2);
    expect([a.sink.closed?.code, b.sink.closed?.code]).toEqual([
      CLOSE.TRY_AGAIN_LATER,
      CLOSE.TRY_AGAIN_LATER,
    ]);
    expect(fanout.deliveredThrough).toBe(0);
  });
});
