import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, startRelay, type RelayProcess } from './harness';
import { subscribe } from '@herald/testkit/ws-client';
import { readStream } from '@herald/testkit/stream-client';

let relay: RelayProcess;
let publisher: string;
let alice: string;

beforeAll(async () => {
  relay = await startRelay();
  await relay.addUser('alice', 'alice-password', ['tickets', 'agents/*']);
  publisher = await relay.addPublisher('tracker', ['tickets', 'agents/**']);
  alice = await relay.login('alice', 'alice-password');
});
afterAll(() => relay.stop());

describe('publish → receive', () => {
  it('delivers a published event over the WebSocket with the full envelope', async () => {
    const { client, welcome } = await subscribe(relay.url, { token: alice });
    expect(welcome).toMatchObject({ resumed: false, gap: false, user: { name: 'alice' } });
    const published = event({
      id: 'ticket-1-proposed',
      kind: 'ticket.proposed_resolution',
      tag: 'ticket:1',
      title: 'Resolution proposed: Add notifications',
      body: 'by handler · P3',
      url: 'https://tracker.example/tickets/1',
      sticky: true,
      data: { ticket_id: '1' },
    });
    const [result] = (await relay.publish(publisher, published)).results;
    expect(result).toMatchObject({ id: 'ticket-1-proposed', duplicate: false });
    const [received] = await client.events(1);
    // Every field as published, plus what the relay fills in.
    expect(received).toMatchObject({
      ...published,
      seq: result!.seq,
      resolves: false,
      source: 'tracker',
    });
    expect(typeof received!.at).toBe('string');
    client.ws.close();
  });

  it('is idempotent by id: the same id again returns the original seq and delivers nothing', async () => {
    const { client } = await subscribe(relay.url, { token: alice });
    const e = event();
    const first = await relay.publish(publisher, e);
    const again = await relay.publish(publisher, [e, event({ id: 'marker' })]);
    expect(again.results[0]).toEqual({ id: e.id, seq: first.results[0]!.seq, duplicate: true });
    expect(again.results[1]!.duplicate).toBe(false);
    const events = await client.events(2);
    expect(events.map((x) => x.id)).toEqual([e.id, 'marker']);
    client.ws.close();
  });

  it('filters by kinds and changes the filter live with subscribe', async () => {
    const { client } = await subscribe(relay.url, {
      token: alice,
      kinds: ['ticket.proposed_resolution'],
    });
    await relay.publish(publisher, [
      event({ id: 'k1' }),
      event({ id: 'k2', kind: 'ticket.proposed_resolution' }),
    ]);
    expect((await client.events(1)).map((e) => e.id)).toEqual(['k2']);
    client.send({ type: 'subscribe', kinds: ['*', '!ticket.proposed_resolution'] });
    await client.next('subscribed');
    await relay.publish(publisher, [
      event({ id: 'k3', kind: 'ticket.proposed_resolution' }),
      event({ id: 'k4' }),
    ]);
    expect((await client.events(2)).map((e) => e.id)).toEqual(['k2', 'k4']);
    client.ws.close();
  });

  it('marks the end of the replay with caught_up, after the last replayed event and before live ones', async () => {
    const r = await relay.publish(publisher, [event({ id: 'cu-1' }), event({ id: 'cu-2' })]);
    const first = r.results[0]!.seq;
    const { client } = await subscribe(relay.url, { token: alice, since: first - 1 });
    const caught = await client.next('caught_up');
    await relay.publish(publisher, event({ id: 'cu-live' }));
    await client.events(3);
    const order = client.messages.map((m) => (m.type === 'event' ? m.event.id : m.type));
    expect(order).toEqual(['welcome', 'cu-1', 'cu-2', 'caught_up', 'cu-live']);
    expect(caught.seq).toBe(r.results[1]!.seq);
    client.ws.close();
  });

  it('answers an app-level ping with a pong', async () => {
    const { client } = await subscribe(relay.url, { token: alice });
    client.send({ type: 'ping', id: 'p1' });
    expect(await client.next('pong')).toEqual({ type: 'pong', id: 'p1' });
    client.ws.close();
  });
});

describe('NDJSON and SSE streams', () => {
  it('streams NDJSON: a connected line, the replay after since, then live events', async () => {
    const before = await relay.publish(publisher, [event({ id: 'nd-1' }), event({ id: 'nd-2' })]);
    const since = before.results[0]!.seq;
    const stream = await readStream(relay.url, alice, { query: `since=${since}` });
    expect(stream.lines[0]).toMatchObject({ event: 'connected', gap: false });
    await relay.publish(publisher, event({ id: 'nd-3' }));
    const events = await stream.events(2);
    expect(events.map((e) => e.id)).toEqual(['nd-2', 'nd-3']);
    expect(stream.lines.map((l) => l.id ?? l.event)).toEqual([
      'connected',
      'nd-2',
      'caught_up',
      'nd-3',
    ]);
    stream.abort();
  });

  it('streams SSE with id: lines, and Last-Event-ID resumes exactly after it', async () => {
    const published = await relay.publish(publisher, [
      event({ id: 's-1' }),
      event({ id: 's-2' }),
      event({ id: 's-3' }),
    ]);
    const [s1, s2] = published.results;
    const first = await readStream(relay.url, alice, { sse: true, query: `since=${s1!.seq - 1}` });
    const got = await first.events(3);
    expect(got.map((e) => e.id)).toEqual(['s-1', 's-2', 's-3']);
    expect(first.ids.slice(0, 3)).toEqual(published.results.map((r) => String(r.seq)));
    first.abort();
    const resumed = await readStream(relay.url, alice, { sse: true, lastEventId: String(s2!.seq) });
    expect((await resumed.events(1)).map((e) => e.id)).toEqual(['s-3']);
    resumed.abort();
  });

  it('refuses a stream without a valid token', async () => {
    const res = await fetch(`${relay.url}/v1/stream`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    });
  });
});

describe('history', () => {
  it('returns events after since, up to limit, with head and epoch', async () => {
    const published = await relay.publish(publisher, [event({ id: 'h-1' }), event({ id: 'h-2' })]);
    const since = published.results[0]!.seq - 1;
    const res = await fetch(`${relay.url}/v1/events?since=${since}&limit=1`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    const body = (await res.json()) as { events: { id: string }[]; head: number; epoch: string };
    expect(body.events.map((e) => e.id)).toEqual(['h-1']);
    expect(body.head).toBeGreaterThanOrEqual(published.results[1]!.seq);
    expect(body.epoch).toMatch(/[0-9a-f-]{36}/);
  });
});
