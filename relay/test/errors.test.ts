import { CLOSE } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startArena, type Arena } from './bystander';
import { event, type RelayProcess } from './harness';
import { connect, subscribe, type TestClient } from '@herald/testkit/ws-client';

let arena: Arena;
let relay: RelayProcess;
let publisher: string;
let alice: string;
let bystander: TestClient;

beforeAll(async () => {
  // Someone well-behaved stays connected through every bad request below.
  arena = await startArena({ env: { HERALD_HELLO_TIMEOUT_MS: '300' } });
  ({ relay, publisher, alice, bystander } = arena);
});
afterAll(() => arena.stop());

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as {
      error?: { code: string; message: string; issues?: unknown[] };
    } | null,
    res,
  };
}

describe('HTTP errors are documented codes', () => {
  const auth = () => ({ authorization: `Bearer ${publisher}` });

  it('401 for a missing or wrong token', async () => {
    expect((await post('/v1/events', JSON.stringify(event()))).body?.error?.code).toBe(
      'unauthorized',
    );
    const wrong = await post('/v1/events', JSON.stringify(event()), {
      authorization: 'Bearer hrd_wrong',
    });
    expect(wrong.status).toBe(401);
  });

  it('403 when a reader token tries to publish', async () => {
    const r = await post('/v1/events', JSON.stringify(event()), {
      authorization: `Bearer ${alice}`,
    });
    expect(r.status).toBe(403);
    expect(r.body?.error?.code).toBe('forbidden');
  });

  it('400 invalid_event with the schema issues', async () => {
    const r = await post('/v1/events', JSON.stringify({ id: 'x', topic: 'tickets' }), auth());
    expect(r.status).toBe(400);
    expect(r.body?.error?.code).toBe('invalid_event');
    expect(r.body?.error?.issues?.length).toBeGreaterThan(0);
    const tooMany = await post(
      '/v1/events',
      JSON.stringify(Array.from({ length: 501 }, () => event())),
      auth(),
    );
    expect(tooMany.body?.error?.code).toBe('invalid_event');
  });

  it('400 invalid_json for unparseable JSON', async () => {
    const r = await post('/v1/events', '{"id": ', auth());
    expect(r.status).toBe(400);
    expect(r.body?.error?.code).toBe('invalid_json');
  });

  it('413 for a body over 1 MiB', async () => {
    const big = JSON.stringify(event({ data: 'x'.repeat(1024 * 1024 + 10) }));
    const r = await post('/v1/events', big, auth());
    expect(r.status).toBe(413);
    expect(r.body?.error?.code).toBe('payload_too_large');
  });

  it('415 for a body that is not JSON', async () => {
    const r = await post('/v1/events', 'id=1', {
      ...auth(),
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(415);
  });

  it('404 JSON for unknown endpoints', async () => {
    const res = await fetch(`${relay.url}/v2/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('browser origins', () => {
  it('answers CORS preflight for the extension and refuses web pages', async () => {
    const ok = await fetch(`${relay.url}/v1/login`, {
      method: 'OPTIONS',
      headers: {
        origin: 'chrome-extension://abcdefghijklmnop',
        'access-control-request-method': 'POST',
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(
      'chrome-extension://abcdefghijklmnop',
    );
    const evil = await fetch(`${relay.url}/v1/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe(
      'origin_forbidden',
    );
  });

  it('closes a WebSocket from a web-page origin with 4403, and accepts an extension origin', async () => {
    const evil = await connect(relay.url, { origin: 'https://evil.example' });
    expect((await evil.closed).code).toBe(CLOSE.ORIGIN_FORBIDDEN);
    const ext = await subscribe(
      relay.url,
      { token: alice },
      { origin: 'moz-extension://1234-abcd' },
    );
    expect(ext.welcome.type).toBe('welcome');
    ext.client.ws.close();
  });
});

describe('WebSocket close codes', () => {
  it('4401 for a bad token, and for a publisher token', async () => {
    const bad = await connect(relay.url);
    bad.send({ type: 'hello', token: 'hrd_nope' });
    expect((await bad.closed).code).toBe(CLOSE.UNAUTHORIZED);
    const pub = await connect(relay.url);
    pub.send({ type: 'hello', token: publisher });
    expect((await pub.closed).code).toBe(CLOSE.UNAUTHORIZED);
  });

  it('4408 when no hello arrives in time', async () => {
    const silent = await connect(relay.url);
    expect((await silent.closed).code).toBe(CLOSE.HELLO_TIMEOUT);
  });

  it('4400 for malformed frames: not JSON, wrong shape, binary, or anything before hello', async () => {
    for (const frame of [
      'not json',
      JSON.stringify({ type: 'hello' }),
      JSON.stringify({ type: 'subscribe', kinds: null }),
    ]) {
      const c = await connect(relay.url);
      c.ws.send(frame);
      expect((await c.closed).code).toBe(CLOSE.MALFORMED);
    }
    const bin = await connect(relay.url);
    bin.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await bin.closed).code).toBe(CLOSE.MALFORMED);
  });

  it('closes a frame over 64 KiB with 1009', async () => {
    const c = await connect(relay.url);
    c.ws.send(JSON.stringify({ type: 'hello', token: 'x'.repeat(70 * 1024) }));
    expect((await c.closed).code).toBe(1009);
  });

  it('tokens are never read from the URL', async () => {
    const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/ws?token=${alice}`);
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(CLOSE.HELLO_TIMEOUT);
  });
});

describe('tokens and passwords never reach the logs', () => {
  it('no log line contains a token or a password', () => {
    const text = JSON.stringify(relay.logs);
    expect(text).not.toContain(alice);
    expect(text).not.toContain(publisher);
    expect(text).not.toContain('alice-password');
  });
});

describe('everyone else keeps being served', () => {
  it('the bystander connected before all of the above still receives, and nothing else', async () => {
    const r = await relay.publish(publisher, event({ id: 'after-abuse' }));
    const events = await bystander.events(1);
    expect(events.map((e) => [e.id, e.seq])).toEqual([['after-abuse', r.results[0]!.seq]]);
    expect(bystander.messages.some((m) => m.type === 'error')).toBe(false);
  });
});
