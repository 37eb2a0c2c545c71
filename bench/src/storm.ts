import { cpuMicros, listenDrops } from './proc';
import { drain, steadyPublisher, sum, type Session } from './scenarios';
import { round, sleep } from './stats';

/**
 * Herald's reconnect storm: `drop` clients vanish at once and come straight back with `since`
 * while events keep flowing; time until all have caught up, and every event accounted for.
 */
export async function storm(s: Session, drop: number, rate: number) {
  await s.pool.reset();
  const pub = steadyPublisher(s.target, rate);
  await sleep(500);
  // The live traffic's own cost, measured just before, to read the per-reconnect figure against.
  const liveCpu0 = cpuMicros(s.target.pid);
  const live0 = performance.now();
  await sleep(1000);
  const liveCpuPerMs = (cpuMicros(s.target.pid) - liveCpu0) / (performance.now() - live0);
  const dropsBefore = listenDrops();
  const cpuBefore = cpuMicros(s.target.pid);
  const stormStart = performance.now();
  const results = await s.pool.storm(drop, 30_000);
  const serverCpuMicros = cpuMicros(s.target.pid) - cpuBefore;
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
    reconnected: sum(results.map((r) => r.reconnected)),
    stragglers: sum(results.map((r) => r.stragglers)),
    refusedAndRetried: sum(results.map((r) => r.retries)),
    clientStartMs: Math.max(...results.map((r) => r.startedMs)),
    welcomeMsP50P90Max: results[0]?.welcomeMs,
    caughtUpMsP50P90Max: results[0]?.caughtUpMsDist,
    clientCpuCores: Math.max(...results.map((r) => r.clientCpuCores)),
    /** Server CPU from the drop until all had caught up, per client (live traffic included). */
    serverCpuMicrosPerReconnect: Math.round(serverCpuMicros / drop),
    /** Of which, at the pre-storm rate, the live traffic's share. */
    liveTrafficCpuMicrosPerReconnect: Math.round((liveCpuPerMs * stormMs) / drop),
    eventsLost: lost,
    clientsNotBack: s.clients - connected,
    duplicates: sum(stats.map((x) => x.outOfOrder)),
    kernelListenDrops,
    closeCodes: stats.map((x) => x.closes),
  };
}
