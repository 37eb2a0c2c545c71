import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  event,
  startRelay,
  startProxy,
  startRedis,
  type RelayProcess,
  type ProxyKind,
  type ProxyProcess,
  type RedisProcess,
} from './harness';
import { readStream } from '@herald/testkit/stream-client';
import { subscribe } from '@herald/testkit/ws-client';

// docs/deploy.md's setups, each served through its own config file from deploy/: one relay
// behind nginx, two relays on Redis behind HAProxy. TLS with a certificate made for the run
// (the clients trust it), heartbeats every second and proxy idle timeouts cut to 2 s, so a
// connection that outlives three timeouts lives because of the heartbeats.

const HEARTBEAT_SECONDS = 1;
const PROXY_IDLE_SECONDS = 2;
const ALICE = { username: 'alice', password: 'alice-password' };

interface Setup {
  proxy: ProxyProcess;
  relays: RelayProcess[];
  publisher: string;
  redis?: RedisProcess;
}

async function setUp(kind: ProxyKind): Promise<Setup> {
  const redis = kind === 'haproxy' ? await startRedis() : undefined;
  const env = {
    HERALD_TRUST_PROXY: 'true',
    HERALD_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
    ...(redis && { HERALD_REDIS_URL: redis.url }),
  };
  const relays = await Promise.all(
    Array.from({ length: redis ? 2 : 1 }, () => startRelay({ env })),
  );
  const [first] = relays as [RelayProcess];
  await first.addUser(ALICE.username, ALICE.password, ['tickets']);
  const publisher = await first.addPublisher('tracker', ['**']);
  const proxy = await startProxy(kind, {
    relays: relays.map((r) => `127.0.0.1:${r.port}`),
    idleTimeoutSeconds: PROXY_IDLE_SECONDS,
  });
  return { proxy, relays, publisher, redis };
}

describe.each(['nginx', 'haproxy'] as const)('behind %s, as docs/deploy.md sets it up', (kind) => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(kind);
  }, 30_000);
  afterAll(async () => {
    await s?.proxy.stop();
    await Promise.all(s?.relays.map((r) => r.stop()) ?? []);
    await s?.redis?.stop();
  });

  const login = async () => {
    const res = await s.proxy.request('/v1/login', { body: ALICE });
    expect(res.status).toBe(200);
    return res.json<{ token: string }>().token;
  };
  const publish = async (id: string) => {
    const res = await s.proxy.request('/v1/events', {
      headers: { authorization: `Bearer ${s.publisher}` },
      body: event({ id, topic: 'tickets' }),
    });
    expect(res.status).toBe(202);
  };

  it('signs in over TLS, and the relay counts the address the proxy saw, not one a client wrote', async () => {
    const res = await s.proxy.request('/v1/login', {
      body: ALICE,
      headers: { 'x-forwarded-for': '203.0.113.7' },
      localAddress: '127.0.0.9',
    });
    expect(res.status).toBe(200);
    const signedIn = await Promise.any(
      s.relays.map((r) => r.waitForLog((l) => l.msg === 'signed in' && l.user === 'alice')),
    );
    expect(signedIn.address).toBe('127.0.0.9');
  });

  it('passes the WebSocket upgrade on, and streams SSE and NDJSON line by line', async () => {
    const token = await login();
    const ws = (await subscribe(s.proxy.url, { token }, { ca: s.proxy.ca })).client;
    const ndjson = await readStream(s.proxy.url, token, { ca: s.proxy.ca });
    const sse = await readStream(s.proxy.url, token, { sse: true, ca: s.proxy.ca });
    await publish(`${kind}-live-1`);
    // Each reader has the event while its stream is still open: nothing waits for a buffer to fill.
    expect((await ws.event(`${kind}-live-1`)).id).toBe(`${kind}-live-1`);
    for (const stream of [ndjson, sse]) {
      expect((await stream.events(1)).map((e) => e.id)).toContain(`${kind}-live-1`);
    }
    ws.ws.close();
    ndjson.abort();
    sse.abort();
  });

  it('keeps idle connections open past its idle timeout, because the relay speaks every beat', async () => {
    const token = await login();
    const ws = (await subscribe(s.proxy.url, { token }, { ca: s.proxy.ca })).client;
    const ndjson = await readStream(s.proxy.url, token, { ca: s.proxy.ca });
    const sse = await readStream(s.proxy.url, token, { sse: true, ca: s.proxy.ca });
    let closedEarly: { code: number } | undefined;
    void ws.closed.then((c) => (closedEarly = c));
    // Three idle timeouts' worth of heartbeats, and nothing else, on every connection.
    const beats = (3 * PROXY_IDLE_SECONDS) / HEARTBEAT_SECONDS + 1;
    const timeoutMs = (beats + 3) * HEARTBEAT_SECONDS * 1000;
    await ws.next('heartbeat', timeoutMs);
    for (let i = 1; i < beats; i++) await ws.next('heartbeat', timeoutMs);
    await Promise.all([ndjson, sse].map((r) => r.waitForKeepAlives(beats, timeoutMs)));
    expect(closedEarly).toBeUndefined();
    // And they still carry events.
    await publish(`${kind}-after-idle`);
    await ws.event(`${kind}-after-idle`);
    for (const stream of [ndjson, sse]) {
      expect((await stream.events(1)).map((e) => e.id)).toContain(`${kind}-after-idle`);
    }
    ws.ws.close();
    ndjson.abort();
    sse.abort();
  }, 30_000);

  it('answers /healthz through the proxy', async () => {
    const res = await s.proxy.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });
});
