import { nowMicros } from './ipc';
import { cpuMicros, listenDrops } from './proc';
import { drain, steadyPublisher, sum, type Session } from './scenarios';
import { round, sleep } from './stats';
import type { Target } from './targets';

/** Where a storm publishes and reconnects, and what it does at the drop (default: the target). */
export interface StormOptions {
  /** The relay the publisher posts to (failover: the one that survives). */
  publishTo?: Target;
  /** The relay the dropped clients come back to; its CPU is the one measured. */
  reconnectTo?: Target;
  /** Done at the instant of the drop, before the clients are told (failover: `kill -9`). */
  crash?: () => void;
  /** Milliseconds of publishing before the drop (the clients must be caught up by then). */
  leadMs?: number;
}

/**
 * Herald's reconnect storm: `drop` clients vanish at once and come straight back with `since`
 * (and `epoch`) while events keep flowing; time until all have caught up, and every event
 * accounted for. With `opts.crash` and `opts.reconnectTo`, the failover storm: the relay the
 * clients are on is killed and they all resume at another relay of the same Herald.
 */
export async function storm(s: Session, drop: number, rate: number, opts: StormOptions = {}) {
  const server = opts.reconnectTo ?? s.target;
  await s.pool.reset();
  const pub = steadyPublisher(opts.publishTo ?? s.target, rate);
  await sleep((opts.leadMs ?? 1500) - 1000);
  // The live traffic's own cost, measured just before, to read the per-reconnect figure against.
  const liveCpu0 = cpuMicros(server.pid);
  const live0 = performance.now();
  await sleep(1000);
  const liveCpuPerMs = (cpuMicros(server.pid) - liveCpu0) / (performance.now() - live0);
  const dropsBefore = listenDrops();
  const cpuBefore = cpuMicros(server.pid);
  const redisBefore = server.auxPid ? cpuMicros(server.auxPid) : 0;
  const stormStart = performance.now();
  const crashAt = nowMicros();
  opts.crash?.();
  const results = await s.pool.storm(drop, 30_000, opts.reconnectTo?.wsUrl);
  const serverCpuMicros = cpuMicros(server.pid) - cpuBefore;
  const redisCpuMicros = server.auxPid ? cpuMicros(server.auxPid) - redisBefore : undefined;
  const stormMs = performance.now() - stormStart;
  const kernelListenDrops = listenDrops() - dropsBefore;
  await sleep(1000);
  await pub.stop();
  await drain(s, pub.published, 15_000);
  const stats = await s.pool.stats();
  // Counted over the clients that are connected: one that gave up reconnecting (deadline) never
  // asked for the events, which is the bench's limit, not a loss by the server.
  const connected = sum(stats.map((x) => x.connected));
  const got = sum(stats.map((x) => x.receivedByConnected - x.outOfOrder));
  const lost = Math.max(0, pub.published * connected - got);
  return {
    clients: s.clients,
    dropped: drop,
    publishedDuringRun: pub.published,
    caughtUpSec: round(Math.max(...results.map((r) => r.caughtUpMs)) / 1000),
    /** From the crash (failover) until the last client had caught up, s. */
    caughtUpSinceCrashSec: opts.crash
      ? round(Math.max(...results.map((r) => r.dropAt + r.caughtUpMs * 1000 - crashAt)) / 1e6)
      : undefined,
    reconnected: sum(results.map((r) => r.reconnected)),
    stragglers: sum(results.map((r) => r.stragglers)),
    refusedAndRetried: sum(results.map((r) => r.retries)),
    clientStartMs: Math.max(...results.map((r) => r.startedMs)),
    welcomeMsP50P90Max: results[0]?.welcomeMs,
    caughtUpMsP50P90Max: results[0]?.caughtUpMsDist,
    clientCpuCores: Math.max(...results.map((r) => r.clientCpuCores)),
    /** Server CPU from the drop until all had caught up, per client (live traffic included). */
    serverCpuMicrosPerReconnect: Math.round(serverCpuMicros / drop),
    /** The Redis server's CPU over the same time, per client (herald-redis). */
    redisCpuMicrosPerReconnect:
      redisCpuMicros === undefined ? undefined : Math.round(redisCpuMicros / drop),
    /** Of which, at the pre-storm rate, the live traffic's share. */
    liveTrafficCpuMicrosPerReconnect: Math.round((liveCpuPerMs * stormMs) / drop),
    eventsLost: lost,
    clientsNotBack: s.clients - connected,
    duplicates: sum(stats.map((x) => x.outOfOrder)),
    kernelListenDrops,
    closeCodes: stats.map((x) => x.closes),
  };
}
