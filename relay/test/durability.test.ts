import { describe, expect, it } from 'vitest';
import { event, startRelay } from './harness';
import { subscribe } from '@herald/testkit/ws-client';

describe('kill -9', () => {
  it('loses no acknowledged event, and seq keeps increasing after restart', async () => {
    const relay = await startRelay();
    await relay.addUser('alice', 'alice-password', ['**']);
    const publisher = await relay.addPublisher('p', ['**']);
    const acknowledged = new Map<string, number>();
    // Several producers publish as fast as they can; the relay is killed mid-stream.
    const producers = Array.from({ length: 4 }, (_, p) =>
      (async () => {
        for (let i = 0; i < 10_000; i++) {
          const batch = [event({ id: `p${p}-${i}-a` }), event({ id: `p${p}-${i}-b` })];
          try {
            const r = await relay.publish(publisher, batch);
            for (const x of r.results) acknowledged.set(x.id, x.seq);
          } catch {
            return; // the relay died: this request was never acknowledged
          }
        }
      })(),
    );
    while (acknowledged.size < 300) await new Promise((r) => setImmediate(r));
    await relay.kill9();
    await Promise.all(producers);
    await relay.restart();

    const token = await relay.login('alice', 'alice-password');
    const res = await fetch(`${relay.url}/v1/events?since=0&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    let body = (await res.json()) as { events: { id: string; seq: number }[]; head: number };
    const all = [...body.events];
    while (body.events.length === 1000) {
      const more = await fetch(`${relay.url}/v1/events?since=${all.at(-1)!.seq}&limit=1000`, {
        headers: { authorization: `Bearer ${token}` },
      });
      body = (await more.json()) as typeof body;
      all.push(...body.events);
    }
    const stored = new Map(all.map((e) => [e.id, e.seq]));
    for (const [id, seq] of acknowledged) expect(stored.get(id), id).toBe(seq);
    const head = body.head;
    expect(head).toBeGreaterThanOrEqual(Math.max(...acknowledged.values()));

    // After the restart, new events continue the sequence; nothing is reused.
    const { client } = await subscribe(relay.url, { token, since: head });
    const after = await relay.publish(publisher, event({ id: 'after-restart' }));
    expect(after.results[0]!.seq).toBe(head + 1);
    expect((await client.events(1))[0]!.id).toBe('after-restart');
    // Republishing an acknowledged id after the crash is still a duplicate.
    const [someId, someSeq] = [...acknowledged.entries()][0]!;
    const again = await relay.publish(publisher, event({ id: someId }));
    expect(again.results[0]).toEqual({ id: someId, seq: someSeq, duplicate: true });
    client.ws.close();
    await relay.stop();
  });
});
