import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, startRelay, type RelayProcess } from './harness';
import { readStream } from '@herald/testkit/stream-client';
import { subscribe } from '@herald/testkit/ws-client';

let relay: RelayProcess;
let publisher: string;
let ticketsOnly: string;
let alphaOnly: string;
const published: { topic: string; id: string }[] = [
  { topic: 'tickets', id: 'acl-t' },
  { topic: 'agents/alpha', id: 'acl-a' },
  { topic: 'agents/beta', id: 'acl-b' },
  { topic: 'secret', id: 'acl-s' },
];

beforeAll(async () => {
  relay = await startRelay();
  await relay.addUser('tina', 'tina-password', ['tickets']);
  await relay.addUser('al', 'al-password', ['agents/alpha']);
  publisher = await relay.addPublisher('p', ['**']);
  ticketsOnly = await relay.login('tina', 'tina-password');
  alphaOnly = await relay.login('al', 'al-password');
});
afterAll(() => relay.stop());

const ids = (events: { id: string }[]) => events.map((e) => e.id);

describe('a reader gets only the topics it may read, on every path', () => {
  it('live WebSocket and replay', async () => {
    const live = await subscribe(relay.url, { token: ticketsOnly });
    await relay.publish(
      publisher,
      published.map((p) => event(p)),
    );
    await relay.publish(publisher, event({ id: 'acl-marker' }));
    expect(ids(await live.client.events(2))).toEqual(['acl-t', 'acl-marker']);
    const replay = await subscribe(relay.url, { token: alphaOnly, since: 0 });
    await relay.publish(publisher, event({ id: 'acl-marker-a', topic: 'agents/alpha' }));
    expect(ids(await replay.client.events(2))).toEqual(['acl-a', 'acl-marker-a']);
    live.client.ws.close();
    replay.client.ws.close();
  });

  it('NDJSON stream', async () => {
    const stream = await readStream(relay.url, alphaOnly, { query: 'since=0' });
    await relay.publish(publisher, event({ id: 'acl-marker-a2', topic: 'agents/alpha' }));
    const events = await stream.events(3);
    expect(ids(events)).toEqual(['acl-a', 'acl-marker-a', 'acl-marker-a2']);
    expect(events.every((e) => e.topic === 'agents/alpha')).toBe(true);
    stream.abort();
  });

  it('history', async () => {
    const res = await fetch(`${relay.url}/v1/events?since=0&limit=1000`, {
      headers: { authorization: `Bearer ${ticketsOnly}` },
    });
    const body = (await res.json()) as { events: { id: string; topic: string }[] };
    expect(body.events.length).toBeGreaterThan(0);
    expect(body.events.every((e) => e.topic === 'tickets')).toBe(true);
  });

  it('publishers may only publish to their own topics (the whole batch is refused)', async () => {
    const narrow = await relay.addPublisher('narrow', ['tickets']);
    const res = await fetch(`${relay.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${narrow}` },
      body: JSON.stringify([
        event({ id: 'ok-topic' }),
        event({ id: 'bad-topic', topic: 'agents/alpha' }),
      ]),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('topic_forbidden');
    const history = await fetch(`${relay.url}/v1/events?since=0&limit=1000`, {
      headers: { authorization: `Bearer ${ticketsOnly}` },
    });
    expect(ids(((await history.json()) as { events: { id: string }[] }).events)).not.toContain(
      'ok-topic',
    );
  });
});
