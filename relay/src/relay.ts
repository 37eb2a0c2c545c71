import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CLOSE, type PublishEvent, type PublishResult, publishEventSchema } from '@herald/shared';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError, relayConfigSchema, type RelayOptions } from './config';
import { connectorsConfigSchema, createConnectors } from './connectors';
import type { Connector } from './connectors/types';
import type { RelayContext } from './context';
import { Fanout } from './fanout';
import { StoreHealth } from './health';
import { createApp } from './http-app';
import { createHttpServer } from './http-server';
import type { AccountStore } from './store/accounts';
import { TokenBuckets } from './limiter';
import { createLogger, flushLogs } from './logger';
import { createMetrics } from './metrics';
import { defaultOriginsWarning, originMatcher } from './origins';
import { Publishing } from './publish';
import { Answering } from './actions/answering';
import { DEFAULT_CALL } from './actions/upstream-call';
import { openStores } from './store/open';
import { PersonStateReaders } from './person-state-readers';
import { attachWebSockets } from './ws-server';

export interface Relay {
  url: string;
  port: number;
  epoch: string;
  accounts: AccountStore;
  /** Publishes as the relay itself (connectors, tests): the same path as `POST /v1/events`. */
  publish(events: PublishEvent[], source?: string): Promise<PublishResult[]>;
  /** Graceful stop: refuse new work, close readers with 1001, finish in-flight publishes. */
  close(): Promise<void>;
}

/** Below this much free disk the store is reported unhealthy: the next commit may not fit. */
const MIN_FREE_DISK_BYTES = 1024 * 1024;

const configFileSchema = z.object({ connectors: connectorsConfigSchema.default([]) });

function loadConnectorConfigs(path: string | undefined) {
  if (!path) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(`invalid config file ${path}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data.connectors;
}

/** Builds and starts a relay. Importing this module does nothing; tests start as many as they like. */
export async function createRelay(
  options: RelayOptions & { logger?: Logger } = {},
): Promise<Relay> {
  const config = relayConfigSchema.parse(options);
  const logger = options.logger ?? createLogger(config.logLevel);
  const connectorConfigs = loadConnectorConfigs(config.configFile);
  const originWarning = defaultOriginsWarning(config);
  if (originWarning) logger.warn({ host: config.host }, originWarning);
  const stores = await openStores(config, logger);
  const { log, accounts } = stores;
  const closeStore = () => void stores.close().catch((err) => logger.error({ err }, 'close'));
  const health = new StoreHealth({
    dataDir: stores.dataDir,
    minFreeBytes: MIN_FREE_DISK_BYTES,
    probe: stores.probe,
  });
  const metrics = createMetrics();
  const start = await log.position();
  metrics.head.set(start.head);
  const fanout = new Fanout(log, start.head, config.maxClientBufferBytes, {
    delivered: (n) => metrics.eventsOut.inc(n),
    flushed: (ts) => metrics.publishToSend.observe((Date.now() - ts) / 1000),
    slowConsumer: (sub) => {
      metrics.slowConsumers.inc();
      logger.warn({ user: sub.reader.name, address: sub.reader.address }, 'slow consumer cut');
    },
  });
  const publishing = new Publishing(log, metrics, health);
  // The seam: events reach readers only through the log's change feed, never from the publish
  // that appended them, so appends made anywhere are delivered the same way.
  const stopFeed = log.subscribe(start.head, {
    committed: (events) => {
      try {
        fanout.deliver(events);
        metrics.head.set(events[events.length - 1]!.seq);
      } catch (err) {
        logger.error({ err }, 'fan-out failed');
      }
    },
    reset: (position) => {
      const closed = fanout.reset(position.head);
      metrics.head.set(position.head);
      logger.warn({ ...position, closed }, 'the change feed was reset: readers resume');
    },
  });
  const personStates = new PersonStateReaders(stores.personState);
  // The same seam for person state: changes reach sockets only through the store's feed.
  const stopPersonFeed = await stores.personState.subscribe((user, entries) => {
    try {
      personStates.changed(user, entries);
    } catch (err) {
      logger.error({ err }, 'person state fan-out failed');
    }
  });
  let stopping = false;
  let connectionIds = 0;
  const ctx: RelayContext = {
    config,
    log,
    accounts,
    fanout,
    publishing,
    metrics,
    logger,
    signIn: stores.signInLimits({
      maxPerUser: config.loginMaxFailuresPerUser,
      maxPerAddress: config.loginMaxFailuresPerAddress,
      windowMs: config.loginWindowSeconds * 1000,
    }),
    connectBuckets: new TokenBuckets(config.connectRatePerSecond, config.connectBurst),
    historyBuckets: new TokenBuckets(config.historyRatePerSecond, config.historyBurst),
    personState: stores.personState,
    personStates,
    stateBuckets: new TokenBuckets(config.stateRatePerSecond, config.stateBurst),
    health,
    originAllowed: originMatcher(config.allowedOrigins),
    nextConnectionId: () => ++connectionIds,
    shuttingDown: () => stopping,
  };

  const publishAsRelay = async (events: PublishEvent[], source = 'relay', origin?: string) => {
    const valid = events.map((e) => publishEventSchema.parse(e));
    return publishing.publish(valid, source, origin);
  };
  let connectors: Connector[];
  try {
    connectors = createConnectors(connectorConfigs, {
      publish: (events, connector) =>
        publishAsRelay(events, 'connector', connector && `connector:${connector}`),
      logger,
      registry: metrics.registry,
    });
  } catch (err) {
    closeStore();
    throw err;
  }

  const answering = new Answering({
    log,
    accounts,
    claims: stores.actionClaims,
    connectors,
    buckets: new TokenBuckets(config.actionRatePerSecond, config.actionBurst),
    logger,
    publish: (events) => publishAsRelay(events, 'herald', 'relay'),
    call: { ...DEFAULT_CALL, timeoutMs: config.actionTimeoutMs },
  });
  const http = createHttpServer(createApp(ctx, connectors, answering), logger, metrics);
  const server = http.server;
  const sockets = attachWebSockets(server, ctx);

  /** Closes the readers holding these tokens, wherever they were revoked. */
  const closeRevoked = (tokenHashes: string[], reason = 'token revoked') => {
    if (tokenHashes.length === 0) return;
    const revoked = new Set(tokenHashes);
    fanout.closeWhere((sub) => revoked.has(sub.reader.tokenHash), CLOSE.UNAUTHORIZED, reason);
  };
  await accounts.onRevoked(closeRevoked);

  const prune = async () => {
    const n = await log.prune(Date.now());
    if (n > 0) {
      metrics.pruned.inc(n);
      const { prunedThrough } = await log.position();
      logger.info({ pruned: n, prunedThrough }, 'retention applied');
    }
  };
  await prune();
  const timers = [
    setInterval(() => {
      fanout.heartbeat();
      sockets.beat();
      // The backstop for revocations this relay did not hear of: one question per beat for
      // every distinct token held by a reader. A failing store keeps everyone connected and is
      // asked again at the next beat.
      const hashes = [...new Set([...fanout.subscribers].map((s) => s.reader.tokenHash))];
      if (hashes.length === 0) return;
      accounts.liveTokens(hashes).then(
        (live) => closeRevoked(hashes.filter((h) => !live.has(h))),
        (err: unknown) => logger.error({ err }, 'token re-check failed'),
      );
    }, config.heartbeatSeconds * 1000),
    setInterval(
      () => void prune().catch((err) => logger.error({ err }, 'retention failed')),
      60_000,
    ),
    setInterval(() => {
      ctx.signIn.sweep();
      ctx.connectBuckets.sweep();
      ctx.stateBuckets.sweep();
    }, 60_000),
  ];
  for (const t of timers) t.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A reconnect storm arrives all at once: queue it in the kernel rather than drop SYNs and
      // leave clients to exponential retry (Node's default backlog is 511).
      server.listen({ port: config.port, host: config.host, backlog: 4096 }, () => resolve());
    });
  } catch (err) {
    for (const t of timers) clearInterval(t);
    closeStore();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  for (const c of connectors) c.start();
  logger.info(
    {
      url,
      port,
      epoch: start.epoch,
      head: fanout.deliveredThrough,
      store: stores.backend,
      ...(stores.dataDir !== undefined && { dataDir: stores.dataDir }),
    },
    'listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    epoch: start.epoch,
    accounts,
    publish: publishAsRelay,
    close: () =>
      (closing ??= (async () => {
        stopping = true;
        logger.info({ inFlight: http.inFlight() }, 'shutting down');
        for (const t of timers) clearInterval(t);
        const serverClosed = new Promise((resolve) => server.close(resolve));
        await Promise.all(connectors.map((c) => c.stop()));
        await publishing.settled();
        fanout.closeWhere(() => true, CLOSE.GOING_AWAY, 'relay shutting down');
        await sockets.close(CLOSE.GOING_AWAY, 'relay shutting down');
        // Requests already in flight get their answer (a publish whose body is still arriving
        // gets 503 `shutting_down`), not a reset; a client that never finishes is cut after 10 s.
        await http.drain(10_000);
        server.closeAllConnections();
        await serverClosed;
        stopFeed();
        stopPersonFeed();
        await log.close();
        closeStore();
        logger.info('stopped');
        await flushLogs(logger);
      })()),
  };
}
