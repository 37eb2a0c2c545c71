import { CLOSE, type HeraldEvent } from '@herald/shared';
import { waitFor } from '@herald/testkit/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, startRelay, startRedis, type RelayProcess, type RedisProcess } from './harness';
import { readStream } from '@herald/testkit/stream-client';
import { subscribe, type TestClient } from '@herald/testkit/ws-client';

// Two real relay processes on one Redis of the test's own are one Herald.

let redis: RedisProcess;
let a: RelayProcess;
let b: RelayProcess;
let publisher: string;

beforeAll(async () => {
  redis = await startRedis({ persist: true });
  const env = { HERALD_REDIS_URL: redis.url };
  a = await startRelay({ env });
  b = await startRelay({ env });
  await a.addUser('alice', 'alice-password', ['**']);
  await a.addUser('tess', 'tess-password', ['tickets']);
  publisher = await b.addPublisher('p', ['**']);
}, 30_000);
afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
  await redis.stop();
});

const ids = (events: HeraldEvent[]) => events.map((e) => e.id);

describe('two relays on one Redis', () => {
  it('publish on A, receive on B, in one seq order; the same id on B is a duplicate', async () => {
    const token = await a.login('alice', 'alice-password');
    const onB = (await subscribe(b.url, { token })).client;
    const onA = (await subscribe(a.url, { token })).client;
    const r1 = await a.publish(publisher, [event({ id: 'one' }), event({ id: 'two' })]);
    const r2 = await b.publish(publisher, event({ id: 'three' }));
    const again = await b.publish(publisher, event({ id: 'one' }));
    expect(again.results[0]).toEqual({ id: 'one', seq: r1.results[0]!.seq, duplicate: true });
    expect(r2.results[0]!.seq).toBe(r1.results[1]!.seq + 1);
    for (const client of [onA, onB]) {
      const got = await client.events(3);
      expect(ids(got)).toEqual(['one', 'two', 'three']);
      expect(got.map((e) => e.seq)).toEqual([...r1.results, ...r2.results].map((r) => r.seq));
    }
    onA.ws.close();
    onB.ws.close();
  });

  it('a token from A works on B, and the topic ACL holds on every path of both', async () => {
    const tess = await a.login('tess', 'tess-password');
    const readers = [];
    for (const relay of [a, b]) {
      readers.push({
        ws: (await subscribe(relay.url, { token: tess })).client,
        ndjson: await readStream(relay.url, tess),
        sse: await readStream(relay.url, tess, { sse: true }),
      });
    }
    await b.publish(publisher, [
      event({ id: 'secret-1', topic: 'secret' }),
      event({ id: 'ticket-1', topic: 'tickets' }),
    ]);
    await a.publish(publisher, event({ id: 'secret-2', topic: 'secret' }));
    const fence = await a.publish(publisher, event({ id: 'ticket-2', topic: 'tickets' }));
    for (const { ws, ndjson, sse } of readers) {
      expect(ids(await ws.events(2))).toEqual(['ticket-1', 'ticket-2']);
      expect(ids(await ndjson.events(2))).toEqual(['ticket-1', 'ticket-2']);
      expect(ids(await sse.events(2))).toEqual(['ticket-1', 'ticket-2']);
      ws.ws.close();
      ndjson.abort();
      sse.abort();
    }
    for (const relay of [a, b]) {
      const res = await fetch(`${relay.url}/v1/events?since=0&limit=1000`, {
        headers: { authorization: `Bearer ${tess}` },
      });
      const body = (await res.json()) as { events: HeraldEvent[]; head: number };
      expect(body.events.every((e) => e.topic === 'tickets')).toBe(true);
      expect(ids(body.events)).toEqual(expect.arrayContaining(['ticket-1', 'ticket-2']));
      expect(body.head).toBeGreaterThanOrEqual(fence.results[0]!.seq);
    }
  });

  it('logout at B and `user remove` from the CLI close the readers on A, pushed, not at a heartbeat', async () => {
    await a.addUser('carl', 'carl-password', ['**']);
    const first = await b.login('carl', 'carl-password');
    const second = await b.login('carl', 'carl-password');
    const onA = (await subscribe(a.url, { token: first })).client;
    const alsoOnA = (await subscribe(a.url, { token: second })).client;
    const res = await fetch(`${b.url}/v1/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first}` },
    });
    expect(res.status).toBe(204);
    // The heartbeat backstop (15 s here) would say "token revoked": these words come from the push.
    expect(await withinOneSecond(onA.closed)).toEqual({
      code: CLOSE.UNAUTHORIZED,
      reason: 'signed out',
    });
    await b.cli(['user', 'remove', 'carl']);
    expect(await withinOneSecond(alsoOnA.closed)).toEqual({
      code: CLOSE.UNAUTHORIZED,
      reason: 'user removed',
    });
  });
});

describe('sign-in limits across relays', () => {
  it('wrong guesses spread over A and B share one allowance', async () => {
    await a.addUser('dora', 'dora-password', ['**']);
    const guess = (relay: RelayProcess, password: string) =>
      fetch(`${relay.url}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dora', password }),
      }).then((r) => r.status);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => guess(i % 2 ? a : b, `wrong-${i}`)),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    expect(await guess(a, 'dora-password')).toBe(429);
    expect(await guess(b, 'dora-password')).toBe(429);
  });
});

/** The bound on revocation everywhere. */
function withinOneSecond<T>(p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not within 1 s')), 1000)),
  ]);
}

describe('a relay dies', () => {
  it('kill -9 of A while its readers stream and a producer publishes at B: they resume on B, every event once, in order', async () => {
    const token = await a.login('alice', 'alice-password');
    const readers: { client: TestClient; epoch: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const { client, welcome } = await subscribe(a.url, { token });
      readers.push({ client, epoch: welcome.epoch });
    }
    const acknowledged: string[] = [];
    let producing = true;
    const producer = (async () => {
      for (let i = 0; producing && i < 5000; i++) {
        const r = await b.publish(publisher, event({ id: `flow-${i}` }));
        acknowledged.push(r.results[0]!.id);
      }
    })();
    while (acknowledged.length < 50) await new Promise((r) => setImmediate(r));
    await a.kill9();
    const resumed = await Promise.all(
      readers.map(async ({ client, epoch }) => {
        await client.closed;
        const before = client.messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
        const since = before.at(-1)?.seq ?? 0;
        const next = await subscribe(b.url, { token, since, epoch });
        expect(next.welcome).toMatchObject({ resumed: true, gap: false });
        return { before, next: next.client };
      }),
    );
    while (acknowledged.length < 150) await new Promise((r) => setImmediate(r));
    producing = false;
    await producer;
    for (const { before, next } of resumed) {
      const first = before.filter((e) => e.id.startsWith('flow-'));
      const rest = await next.events(acknowledged.length - first.length, 10_000);
      const all = [...first, ...rest.filter((e) => e.id.startsWith('flow-'))];
      expect(ids(all)).toEqual(acknowledged);
      const seqs = all.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      next.ws.close();
    }
    await a.restart();
  });
});

describe('Redis outages', () => {
  it('Redis stopped: 503 on publish and /healthz, readers stay; back with its data, the seq continues', async () => {
    const token = await a.login('alice', 'alice-password');
    const reader = (await subscribe(a.url, { token })).client;
    const before = await a.publish(publisher, event({ id: 'pre-outage' }));
    const { epoch } = (await (await fetch(`${a.url}/healthz`)).json()) as { epoch: string };
    await redis.kill();
    const publish = await fetch(`${b.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${publisher}` },
      body: JSON.stringify(event({ id: 'during-outage' })),
    });
    expect(publish.status).toBe(503);
    expect(((await publish.json()) as { error: { code: string } }).error.code).toBe(
      'store_unavailable',
    );
    const health = await fetch(`${a.url}/healthz`);
    expect(health.status).toBe(503);
    reader.send({ type: 'ping', id: 'still' });
    expect((await reader.next('pong')).id).toBe('still');

    await redis.start();
    const after = await eventually(() => b.publish(publisher, event({ id: 'post-outage' })));
    expect(after.results[0]!.seq).toBe(before.results[0]!.seq + 1);
    const got = await reader.events(2, 10_000);
    expect(ids(got)).toEqual(['pre-outage', 'post-outage']);
    const healthy = await eventually(async () => {
      const res = await fetch(`${a.url}/healthz`);
      if (res.status !== 200) throw new Error(`healthz ${res.status}`);
      return (await res.json()) as { epoch: string };
    });
    expect(healthy.epoch).toBe(epoch);
    reader.ws.close();
  });

  it('Redis replaced by an empty one: a new epoch; returning readers get gap: true and what is retained', async () => {
    const token = await a.login('alice', 'alice-password');
    const { welcome } = await subscribe(a.url, { token });
    const old = welcome.epoch;
    const since = welcome.head;
    await redis.restartEmpty();
    // Accounts went with the data: the team adds them again (documented in docs/deploy.md).
    await eventually(() => a.addUser('alice', 'alice-password', ['**']));
    const publisherAgain = await b.addPublisher('p', ['**']);
    const fresh = await a.login('alice', 'alice-password');
    await eventually(() => b.publish(publisherAgain, event({ id: 'new-log-1' })));
    const back = await subscribe(b.url, { token: fresh, since, epoch: old });
    expect(back.welcome.epoch).not.toBe(old);
    expect(back.welcome).toMatchObject({ resumed: false, gap: true });
    expect(ids(await back.client.events(1))).toEqual(['new-log-1']);
    expect((await back.client.events(1))[0]!.seq).toBe(1);
    back.client.ws.close();
    void token;
  });
});

/** Retries until the cluster has settled after a Redis restart (bounded). */
const eventually = <T>(attempt: () => Promise<T>) =>
  waitFor(attempt, 'the cluster to settle after a Redis restart', {
    timeoutMs: 15_000,
    intervalMs: 100,
    retryOnError: true,
  });
