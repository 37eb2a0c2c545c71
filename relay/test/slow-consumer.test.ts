import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { event, startRelay } from './harness';
import { subscribe } from '@herald/testkit/ws-client';

describe('a reader that stops reading', () => {
  it('is cut at the bound while others keep receiving everything', async () => {
    const relay = await startRelay({ env: { HERALD_MAX_CLIENT_BUFFER_BYTES: String(512 * 1024) } });
    await relay.addUser('alice', 'alice-password', ['**']);
    const publisher = await relay.addPublisher('p', ['**']);
    const token = await relay.login('alice', 'alice-password');
    const healthy = await subscribe(relay.url, { token });
    const stuck = await subscribe(relay.url, { token });
    // Stop reading from the socket: the kernel buffers fill, then the relay's queue grows.
    (stuck.client.ws as unknown as { _socket: Socket })._socket.pause();

    const body = 'x'.repeat(3500);
    let total = 0;
    const cuts = async () => {
      const text = await (await fetch(`${relay.url}/metrics`)).text();
      return Number(/^herald_slow_consumer_cuts_total (\d+)/m.exec(text)?.[1] ?? 0);
    };
    // Bounded: 120 batches × 100 × 3.5 KB = 42 MB, far past loopback's socket buffers.
    for (let i = 0; i < 120 && (await cuts()) === 0; i++) {
      await relay.publish(
        publisher,
        Array.from({ length: 100 }, () => event({ body })),
      );
      total += 100;
    }
    expect(await cuts()).toBe(1);
    const got = await healthy.client.events(total, 20_000);
    expect(got.length).toBe(total);
    expect(new Set(got.map((e) => e.seq)).size).toBe(total);

    // Once it reads again it finds its connection closed; it would resume with `since`.
    (stuck.client.ws as unknown as { _socket: Socket })._socket.resume();
    const closed = await stuck.client.closed;
    expect([1013, 1006]).toContain(closed.code);
    expect(stuck.client.messages.filter((m) => m.type === 'event').length).toBeLessThan(total);
    healthy.client.ws.close();
    await relay.stop();
  });

  it('a backlog far larger than the bound is replayed in full, not cut', async () => {
    const relay = await startRelay({
      env: { HERALD_MAX_CLIENT_BUFFER_BYTES: String(128 * 1024), HERALD_HEARTBEAT_SECONDS: '1' },
    });
    await relay.addUser('alice', 'alice-password', ['**']);
    const publisher = await relay.addPublisher('p', ['**']);
    const token = await relay.login('alice', 'alice-password');
    const body = 'y'.repeat(3500);
    for (let i = 0; i < 20; i++) {
      await relay.publish(
        publisher,
        Array.from({ length: 100 }, () => event({ body })),
      );
    }
    // 2000 × 3.5 KB = 7 MB of history against a 128 KiB bound.
    const { client, welcome } = await subscribe(relay.url, { token, since: 0 });
    expect(welcome.head).toBe(2000);
    const got = await client.events(2000, 20_000);
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(text).toMatch(/^herald_slow_consumer_cuts_total 0$/m);
    client.ws.close();
    await relay.stop();
  });
});
