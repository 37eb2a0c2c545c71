import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOSE, type PublishEvent, type PublishResult, publishEventSchema } from '@herald/shared';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError, relayConfigSchema, type RelayOptions } from './config';
import { connectorsConfigSchema, createConnectors } from './connectors';
import type { Connector } from './connectors/types';
import type { RelayContext } from './context';
import { Fanout } from './fanout';
import { createApp } from './http-app';
import { FailureLimiter, TokenBuckets } from './limiter';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { originMatcher } from './origins';
import { Publishing } from './publish';
import { Accounts } from './store/accounts';
import { openDatabase } from './store/database';
import { SqliteLog } from './store/sqlite-log';
import { attachWebSockets } from './ws-server';

export interface Relay {
  url: string;
  port: number;
  epoch: string;
  accounts: Accounts;
  /** Publishes as the relay itself (connectors, tests): the same path as `POST /v1/events`. */
  publish(events: PublishEvent[], source?: string): Promise<PublishResult[]>;
  /** Graceful stop: refuse new work, close readers with 1001, finish in-flight publishes. */
  close(): Promise<void>;
}

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
  const db = openDatabase(config.dataDir, config.sqliteSync);
  const log = new SqliteLog(db, {
    maxEvents: config.retentionMaxEvents,
    maxAgeSeconds: config.retentionMaxAgeSeconds,
  });
  const accounts = new Accounts(db);
  const metrics = createMetrics();
  metrics.head.set(log.head());
  const fanout = new Fanout(log, config.maxClientBufferBytes, {
    delivered: (n) => metrics.eventsOut.inc(n),
    flushed: (ts) => metrics.publishToSend.observe((Date.now() - ts) / 1000),
    slowConsumer: (sub) => {
      metrics.slowConsumers.inc();
      logger.warn({ user: sub.reader.name, address: sub.reader.address }, 'slow consumer cut');
    },
  });
  const publishing = new Publishing(log, fanout, metrics);
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
    loginFailures: {
      byUser: new FailureLimiter(config.loginMaxFailuresPerUser, config.loginWindowSeconds * 1000),
      byAddress: new FailureLimiter(
        config.loginMaxFailuresPerAddress,
        config.loginWindowSeconds * 1000,
      ),
    },
    connectBuckets: new TokenBuckets(config.connectRatePerSecond, config.connectBurst),
    originAllowed: originMatcher(config.allowedOrigins),
    nextConnectionId: () => ++connectionIds,
    shuttingDown: () => stopping,
  };

  const publishAsRelay = async (events: PublishEvent[], source = 'relay') => {
    const valid = events.map((e) => publishEventSchema.parse(e));
    return publishing.publish(valid, source);
  };
  let connectors: Connector[];
  try {
    connectors = createConnectors(connectorConfigs, {
      publish: (events) => publishAsRelay(events, 'connector'),
      log: logger,
      registry: metrics.registry,
    });
  } catch (err) {
    db.close();
    throw err;
  }

  const server = createServer(createApp(ctx, connectors));
  server.keepAliveTimeout = 5000;
  const sockets = attachWebSockets(server, ctx);

  const prune = async () => {
    const n = await log.prune(Date.now());
    if (n > 0) {
      metrics.pruned.inc(n);
      logger.info({ pruned: n, prunedThrough: log.prunedThrough() }, 'retention applied');
    }
  };
  await prune();
  const timers = [
    setInterval(() => {
      fanout.heartbeat(log.head());
      sockets.beat();
      // Sessions revoked elsewhere (another instance, `user remove`) lose their live readers too.
      fanout.closeWhere(
        (sub) => !accounts.isLive(sub.reader.tokenHash),
        CLOSE.UNAUTHORIZED,
        'token revoked',
      );
    }, config.heartbeatSeconds * 1000),
    setInterval(
      () => void prune().catch((err) => logger.error({ err }, 'retention failed')),
      60_000,
    ),
    setInterval(() => {
      ctx.loginFailures.byUser.sweep();
      ctx.loginFailures.byAddress.sweep();
      ctx.connectBuckets.sweep();
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
    db.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  for (const c of connectors) c.start();
  logger.info(
    { url, port, epoch: log.epoch, head: log.head(), dataDir: config.dataDir },
    'listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    epoch: log.epoch,
    accounts,
    publish: publishAsRelay,
    close: () =>
      (closing ??= (async () => {
        stopping = true;
        for (const t of timers) clearInterval(t);
        const serverClosed = new Promise((resolve) => server.close(resolve));
        await Promise.all(connectors.map((c) => c.stop()));
        await publishing.settled();
        fanout.closeWhere(() => true, CLOSE.GOING_AWAY, 'relay shutting down');
        await sockets.close(CLOSE.GOING_AWAY, 'relay shutting down');
        server.closeAllConnections();
        await serverClosed;
        await log.close();
        logger.info('stopped');
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })()),
  };
}
