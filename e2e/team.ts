// A team's Herald as docs/deploy.md sets it up: two relays on one Redis behind HAProxy with TLS
// (deploy/haproxy/herald.cfg as written, idle timeouts shortened), every process real.
import type { PublishEvent, PublishResponse } from '@herald/shared';
import { waitFor } from '@herald/testkit/wait';
import { startRelayProcess, type RelayProcess } from '@herald/testkit/relay';
import { startProxyProcess, type ProxyProcess } from '@herald/testkit/proxy';
import { startRedisProcess, type RedisProcess } from '@herald/testkit/redis-server';
import { readStream } from '@herald/testkit/stream-client';

export interface Team {
  redis: RedisProcess;
  relays: [RelayProcess, RelayProcess];
  proxy: ProxyProcess;
  /** What the extension and producers are given: the proxy's `https://` URL. */
  url: string;
  publisherToken: string;
  /** Signs in through the proxy; resolves with the token. */
  login(username: string, password: string): Promise<string>;
  /** Publishes through the proxy, as a producer elsewhere on the network would. */
  publish(events: PublishEvent | PublishEvent[]): Promise<PublishResponse>;
  /** The relay, of those running, holding `user`'s one open WebSocket (waits for it to open). */
  holder(user: string, running?: RelayProcess[]): Promise<RelayProcess>;
  /** Resolves once the proxy sends new connections to `relay` again (after a restart). */
  waitUntilProxied(relay: RelayProcess, token: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TeamOptions {
  heartbeatSeconds: number;
  proxyIdleSeconds: number;
}

type Log = Record<string, unknown>;

/** Log lines the relay printed since it last started listening. */
function sinceStart(relay: RelayProcess): Log[] {
  let i = relay.logs.length - 1;
  while (i > 0 && relay.logs[i]?.msg !== 'listening') i--;
  return relay.logs.slice(i);
}

/** A log line not printed yet. */
function fresh(relays: RelayProcess[], match: (l: Log) => boolean): (l: Log) => boolean {
  const seen = new Set(relays.flatMap((r) => r.logs));
  return (l) => !seen.has(l) && match(l);
}

/** Connection ids of the WebSockets `user` has open on `relay`, by its log. */
function openSockets(relay: RelayProcess, user: string): string[] {
  const open = new Set<string>();
  for (const l of sinceStart(relay)) {
    if (l.transport !== 'ws') continue;
    if (l.msg === 'connection open' && l.user === user) open.add(String(l.conn));
    if (l.msg === 'connection close') open.delete(String(l.conn));
  }
  return [...open];
}

export async function startTeam(opts: TeamOptions): Promise<Team> {
  const redis = await startRedisProcess();
  const env = {
    HERALD_REDIS_URL: redis.url,
    HERALD_TRUST_PROXY: 'true',
    HERALD_HEARTBEAT_SECONDS: String(opts.heartbeatSeconds),
  };
  const relays = [await startRelayProcess({ env }), await startRelayProcess({ env })] as [
    RelayProcess,
    RelayProcess,
  ];
  const publisherToken = await relays[0].addPublisher('producer', ['**']);
  const proxy = await startProxyProcess('haproxy', {
    relays: relays.map((r) => `127.0.0.1:${r.port}`),
    idleTimeoutSeconds: opts.proxyIdleSeconds,
  });

  const publish = async (events: PublishEvent | PublishEvent[]) => {
    const res = await proxy.request('/v1/events', {
      headers: { authorization: `Bearer ${publisherToken}` },
      body: events,
    });
    if (res.status !== 202) throw new Error(`publish through the proxy: ${res.status} ${res.body}`);
    return res.json<PublishResponse>();
  };

  const login = async (username: string, password: string) => {
    const res = await proxy.request('/v1/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login through the proxy: ${res.status} ${res.body}`);
    return res.json<{ token: string }>().token;
  };

  const holder = async (user: string, running: RelayProcess[] = relays) => {
    for (;;) {
      const holding = running.filter((r) => openSockets(r, user).length > 0);
      if (holding.length > 1) throw new Error(`${user} has sockets open on both relays`);
      if (holding[0]) return holding[0];
      const opened = fresh(running, (l) => l.msg === 'connection open' && l.user === user);
      await Promise.any(running.map((r) => r.waitForLog(opened, 30_000)));
    }
  };

  // leastconn: a relay back from a restart holds no socket, so a probe stream lands on it as
  // soon as the proxy's health checks count it up again.
  const waitUntilProxied = async (relay: RelayProcess, token: string) => {
    // One probe a turn, each waiting up to 1 s for its connection to show up on `relay`.
    const probeLands = async () => {
      const landed = relay.waitForLog(
        fresh([relay], (l) => l.msg === 'connection open' && l.transport === 'ndjson'),
        1000,
      );
      const probe = await readStream(proxy.url, token, { ca: proxy.ca });
      const onIt = await landed.then(
        () => true,
        () => false,
      );
      probe.abort();
      return onIt;
    };
    await waitFor(probeLands, `the proxy to send a connection to ${relay.url}`, {
      timeoutMs: 30_000,
      intervalMs: 0,
    });
  };

  return {
    redis,
    relays,
    proxy,
    url: proxy.url,
    publisherToken,
    login,
    publish,
    holder,
    waitUntilProxied,
    stop: async () => {
      await proxy.stop();
      await Promise.all(relays.map((r) => r.stop()));
      await redis.stop();
    },
  };
}
