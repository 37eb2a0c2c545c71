import { stateResponseSchema, stateSnapshotSchema, type ServerMessage } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, startRelay, startRedis, type RelayProcess, type RedisProcess } from './harness';
import { subscribe, type TestClient } from '@herald/testkit/ws-client';

// Per-person state through real relay processes: on SQLite, and on a Redis of the test's own
// shared by two relays (a change made through one reaches a socket on the other).

async function stateCall(url: string, token: string | undefined, body?: unknown) {
  const res = await fetch(`${url}/v1/me/state${body === undefined ? '?since=0' : ''}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      'content-type': 'application/json',
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function put(url: string, token: string, puts: unknown[]) {
  const res = await stateCall(url, token, { puts });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return stateResponseSchema.parse(res.body);
}

const stateFrames = (client: TestClient) =>
  client.messages.filter((m): m is Extract<ServerMessage, { type: 'state' }> => m.type === 'state');

/** Waits until the socket has been sent state up to `rev`; returns the keys@rev it got. */
const stateThrough = (client: TestClient, rev: number): Promise<string[]> =>
  client.until(() => {
    const frames = stateFrames(client);
    return (
      (frames.at(-1)?.head ?? -1) >= rev &&
      frames.flatMap((f) => f.entries.map((e) => `${e.key}@${e.rev}`))
    );
  }, `state through rev ${rev}`);

function describeBackend(
  backend: string,
  setup: () => Promise<{ a: RelayProcess; b: RelayProcess }>,
) {
  describe(`person state: ${backend}`, () => {
    let a: RelayProcess;
    let b: RelayProcess;
    let alice: string;
    let bob: string;
    let publisher: string;
    beforeAll(async () => {
      ({ a, b } = await setup());
      await a.addUser('alice', 'alice-password', ['**']);
      await a.addUser('bob', 'bob-password', ['**']);
      publisher = await a.addPublisher('p', ['**']);
      alice = await a.login('alice', 'alice-password');
      bob = await b.login('bob', 'bob-password');
    }, 30_000);

    it('answers the hello with the state before the replay, then each change in rev order, live', async () => {
      await a.publish(publisher, [event({ id: 'e1', tag: 't1' }), event({ id: 'e2', tag: 't2' })]);
      const first = await put(a.url, alice, [{ key: 'read:t1', value: { seq: 1 } }]);
      const { client } = await subscribe(b.url, { token: alice, since: 0, stateSince: 0 });
      await client.events(2);
      const order = client.messages.map((m) => m.type);
      expect(order.slice(0, 4)).toEqual(['welcome', 'state', 'event', 'event']);
      expect(stateFrames(client)[0]).toMatchObject({
        head: first.head,
        reset: false,
        entries: [{ key: 'read:t1', rev: first.head, value: { seq: 1 } }],
      });
      // Changes made through the other relay, one batch and one single: in order, on this socket.
      await put(a.url, alice, [
        { key: 'read:t2', value: { seq: 2 } },
        { key: 'snooze:t1', value: { seq: 1, until: 99 } },
      ]);
      await put(a.url, alice, [{ key: 'settings', value: { remindAfterMs: 0 } }]);
      const got = await stateThrough(client, first.head + 3);
      expect(got).toEqual([
        `read:t1@${first.head}`,
        `read:t2@${first.head + 1}`,
        `snooze:t1@${first.head + 2}`,
        `settings@${first.head + 3}`,
      ]);
      client.ws.close();
    });

    it('resumes after the rev a browser holds: only what changed since, latest value per key', async () => {
      const before = stateSnapshotSchema.parse((await stateCall(a.url, alice)).body).head;
      await put(a.url, alice, [{ key: 'read:r1', value: { seq: 1 } }]);
      await put(a.url, alice, [{ key: 'read:r1', value: { seq: 2 } }]);
      const { client } = await subscribe(b.url, { token: alice, stateSince: before });
      const state = await client.next('state');
      expect(state).toEqual({
        type: 'state',
        head: before + 2,
        reset: false,
        entries: [{ key: 'read:r1', rev: before + 2, at: expect.any(Number), value: { seq: 2 } }],
      });
      client.ws.close();
      // Ahead of the store (it was recreated): everything again, flagged as a reset.
      const ahead = await subscribe(a.url, { token: alice, stateSince: before + 1000 });
      expect(await ahead.client.next('state')).toMatchObject({ head: before + 2, reset: true });
      ahead.client.ws.close();
    });

    it('is the person’s own: never sent to anyone else, and no token reaches another’s', async () => {
      const bobs = (await subscribe(a.url, { token: bob, stateSince: 0 })).client;
      const alices = (await subscribe(b.url, { token: alice, stateSince: 0 })).client;
      await bobs.next('state');
      const initial = await alices.next('state');
      const mine = await put(b.url, alice, [{ key: 'read:secret', value: { seq: 7 } }]);
      await put(a.url, bob, [{ key: 'read:bobs', value: { seq: 1 } }]);
      expect(await stateThrough(alices, mine.head)).toContain(`read:secret@${mine.head}`);
      await stateThrough(bobs, 1);
      const toBob = stateFrames(bobs).flatMap((f) => f.entries.map((e) => e.key));
      expect(toBob).toEqual(['read:bobs']);
      const bobsView = stateSnapshotSchema.parse((await stateCall(b.url, bob)).body);
      expect(bobsView.entries.map((e) => e.key)).toEqual(['read:bobs']);
      expect(initial.entries.map((e) => e.key)).not.toContain('read:bobs');
      // A publisher's token is no person; no token is nobody.
      expect(await stateCall(a.url, publisher)).toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden' } },
      });
      expect(await stateCall(a.url, undefined, { puts: [] })).toMatchObject({
        status: 401,
        body: { error: { code: 'unauthorized' } },
      });
      // A socket that did not ask for state (a CLI reader) gets none.
      const plain = (await subscribe(a.url, { token: alice })).client;
      await put(a.url, alice, [{ key: 'read:quiet', value: { seq: 1 } }]);
      await put(a.url, alice, [{ key: 'read:quiet', value: { seq: 2 } }]);
      await stateThrough(alices, mine.head + 2);
      expect(plain.messages.map((m) => m.type)).not.toContain('state');
      for (const c of [bobs, alices, plain]) c.ws.close();
    });

    it('refuses what does not fit, and bounds a flood of read marks per person', async () => {
      const bad = await stateCall(a.url, alice, { puts: [{ key: 'unread:x', value: {} }] });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
      const many = Array.from({ length: 101 }, (_, i) => ({
        key: `read:f${i}`,
        value: { seq: i + 1 },
      }));
      expect((await stateCall(a.url, alice, { puts: many })).status).toBe(400);
      // The burst is 30 requests per person (refilled at 5/s): of 60 at once from someone who
      // made none yet, the rest are told to slow down, while another person is served as usual.
      await a.addUser(`carol-${backend.length}`, 'carol-password', ['**']);
      const carol = await b.login(`carol-${backend.length}`, 'carol-password');
      const flood = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          stateCall(b.url, carol, { puts: [{ key: `read:flood${i}`, value: { seq: 1 } }] }),
        ),
      );
      const statuses = flood.map((r) => r.status);
      const served = statuses.filter((s) => s === 200).length;
      expect(served).toBeGreaterThanOrEqual(30);
      expect(served).toBeLessThanOrEqual(35);
      expect(statuses.filter((s) => s === 429).length).toBe(60 - served);
      // What was served is what is kept: one entry per key, nothing else.
      const { client } = await subscribe(a.url, { token: carol, stateSince: 0 });
      expect((await client.next('state')).entries).toHaveLength(served);
      client.ws.close();
      expect(
        (await stateCall(b.url, bob, { puts: [{ key: 'read:x', value: { seq: 1 } }] })).status,
      ).toBe(200);
    });

    it('goes with the account: a person added again under the name starts with nothing', async () => {
      const name = `dave-${backend.length}`;
      await a.addUser(name, 'dave-password', ['**']);
      await put(a.url, await a.login(name, 'dave-password'), [
        { key: 'read:d', value: { seq: 1 } },
      ]);
      await a.cli(['user', 'remove', name]);
      await a.addUser(name, 'dave-password', ['**']);
      const fresh = await b.login(name, 'dave-password');
      expect(stateSnapshotSchema.parse((await stateCall(b.url, fresh)).body)).toEqual({
        head: 0,
        reset: false,
        entries: [],
      });
    });

    afterAll(async () => {
      await Promise.all([a.stop(), ...(b === a ? [] : [b.stop()])]);
    });
  });
}

describeBackend('SQLite', async () => {
  const relay = await startRelay();
  return { a: relay, b: relay };
});

let redis: RedisProcess | undefined;
afterAll(() => redis?.stop());
describeBackend('two relays on Redis', async () => {
  redis = await startRedis();
  const env = { HERALD_REDIS_URL: redis.url };
  return { a: await startRelay({ env }), b: await startRelay({ env }) };
});
