import { afterEach, describe, expect, it } from 'vitest';
import { event, startRelay, type RelayProcess } from './harness';
import { subscribe } from '@herald/testkit/ws-client';

let relay: RelayProcess | undefined;
afterEach(async () => {
  await relay?.stop();
  relay = undefined;
});

async function setup(env: Record<string, string> = {}) {
  relay = await startRelay({ env });
  await relay.addUser('alice', 'alice-password', ['**']);
  const publisher = await relay.addPublisher('p', ['**']);
  const token = await relay.login('alice', 'alice-password');
  return { relay, publisher, token };
}

describe('resume', () => {
  it('replays what was missed and continues live with no gap and no duplicate while events keep flowing', async () => {
    const { relay, publisher, token } = await setup();
    const { client, welcome } = await subscribe(relay.url, { token });
    // A producer publishes continuously, before, during and after the disconnect.
    let stop = false;
    const published: number[] = [];
    const producer = (async () => {
      for (let i = 0; !stop && i < 2000; i++) {
        const r = await relay.publish(publisher, [event(), event()]);
        published.push(...r.results.map((x) => x.seq));
      }
    })();
    const firstBatch = await client.events(20);
    client.ws.terminate();
    const lastSeen = firstBatch.at(-1)!.seq;
    // Reconnect while the producer keeps going: the seam between replay and live must be exact.
    const again = await subscribe(relay.url, { token, since: lastSeen, epoch: welcome.epoch });
    expect(again.welcome).toMatchObject({ resumed: true, gap: false });
    await again.client.events(100);
    stop = true;
    await producer;
    const total = published.length;
    const expectedAfter = published.filter((s) => s > lastSeen);
    const got = await again.client.events(expectedAfter.length, 10_000);
    const seqs = got.map((e) => e.seq);
    expect(seqs).toEqual(expectedAfter);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(total).toBeGreaterThan(100);
    again.client.ws.close();
  });

  it('answers a hello from another epoch with a full replay and gap: true, never silence', async () => {
    const { relay, publisher, token } = await setup();
    await relay.publish(publisher, [event({ id: 'a' }), event({ id: 'b' })]);
    const { client, welcome } = await subscribe(relay.url, {
      token,
      since: 500,
      epoch: 'some-older-log',
    });
    expect(welcome).toMatchObject({ resumed: false, gap: true, head: 2 });
    expect((await client.events(2)).map((e) => e.id)).toEqual(['a', 'b']);
    client.ws.close();
  });

  it('treats since beyond head in the same epoch as a new log: full replay with gap', async () => {
    const { relay, publisher, token } = await setup();
    await relay.publish(publisher, event({ id: 'only' }));
    const { client, welcome } = await subscribe(relay.url, { token, since: 99 });
    expect(welcome.gap).toBe(true);
    expect((await client.events(1)).map((e) => e.id)).toEqual(['only']);
    client.ws.close();
  });

  it('reports gap: true when since is older than retention, and replays what is retained', async () => {
    const { relay, publisher, token } = await setup({ HERALD_RETENTION_MAX_EVENTS: '3' });
    await relay.publish(
      publisher,
      [1, 2, 3, 4, 5, 6].map((i) => event({ id: `r${i}` })),
    );
    // Retention runs at start-up and every minute; a restart applies it now.
    await relay.stop();
    await relay.restart();
    const { client, welcome } = await subscribe(relay.url, { token, since: 1 });
    expect(welcome).toMatchObject({ gap: true, resumed: false, head: 6 });
    expect((await client.events(3)).map((e) => e.id)).toEqual(['r4', 'r5', 'r6']);
    // Resuming from inside the retained range is exact.
    const inside = await subscribe(relay.url, { token, since: 4 });
    expect(inside.welcome).toMatchObject({ gap: false, resumed: true });
    expect((await inside.client.events(2)).map((e) => e.id)).toEqual(['r5', 'r6']);
    client.ws.close();
    inside.client.ws.close();
  });
});
