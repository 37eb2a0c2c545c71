import type { Results } from './report';

interface StormLike {
  caughtUpSec?: number;
  caughtUpSinceCrashSec?: number;
  duplicates?: number;
  clientsNotBack?: number;
  eventsLost?: number;
  stragglers?: number;
  clients?: number;
  dropped?: number;
}

/** The targets, each as "met" / "GAP" with the figures behind it. */
export function checkTargets(
  results: Results,
  sizes: number[],
  storm: unknown,
  failover?: unknown,
): string[] {
  const out: string[] = [];
  const verdict = (ok: boolean, text: string) => out.push(`${ok ? 'met' : 'GAP'}: ${text}`);
  const cpu = (t: keyof Results, n: number) =>
    results[t]?.[String(n)]?.throughput?.serverCpuMicrosPerDelivery;
  for (const n of sizes) {
    const h = cpu('herald', n);
    if (h === undefined) continue;
    const k = `${n / 1000}k`;
    const naive = cpu('naive-ws', n);
    const sio = cpu('socket.io', n);
    const floor = cpu('floor', n);
    if (naive !== undefined)
      verdict(
        naive / h >= 10,
        `@${k} CPU/delivery ≥10× better than naive ws: ${(naive / h).toFixed(1)}×`,
      );
    if (sio !== undefined) verdict(h <= sio, `@${k} CPU/delivery ≤ socket.io's: ${h} vs ${sio} µs`);
    if (floor !== undefined)
      verdict(
        h <= 2 * floor,
        `@${k} CPU/delivery within 2× of the floor: ${(h / floor).toFixed(2)}×`,
      );
  }
  // Issue 11: the Redis path against the SQLite path, in the same run.
  for (const n of sizes) {
    const sqlite = results.herald?.[String(n)]?.throughput;
    const redis = results['herald-redis']?.[String(n)]?.throughput;
    if (!sqlite || !redis) continue;
    const relay = redis.serverCpuMicrosPerDelivery;
    const both = relay + (redis.redisCpuMicrosPerDelivery ?? 0);
    const r = (x: number) => (x / sqlite.serverCpuMicrosPerDelivery).toFixed(2);
    verdict(
      both <= 1.2 * sqlite.serverCpuMicrosPerDelivery,
      `@${n / 1000}k Redis-path CPU/delivery (relay + redis-server) within 1.2× of SQLite's: ` +
        `${r(both)}× (${both.toFixed(3)} vs ${sqlite.serverCpuMicrosPerDelivery} µs; relay alone ${r(relay)}×)`,
    );
  }
  const latSqlite = results.herald?.['1000']?.latency;
  const latRedis = results['herald-redis']?.['1000']?.latency;
  if (latSqlite && latRedis)
    verdict(
      latRedis.p99Ms <= latSqlite.p99Ms + 5,
      `Redis-path p99 at 1k × ${latRedis.offeredEventsPerSec}/s ≤ SQLite's + 5 ms: ${latRedis.p99Ms} vs ${latSqlite.p99Ms} ms`,
    );
  const f = failover as StormLike | undefined;
  if (f?.caughtUpSinceCrashSec !== undefined)
    verdict(
      f.caughtUpSinceCrashSec <= 10 &&
        f.eventsLost === 0 &&
        f.duplicates === 0 &&
        f.stragglers === 0 &&
        f.clientsNotBack === 0,
      `failover (${f.clients} readers, kill -9 A, resume at B): all caught up in ` +
        `${f.caughtUpSinceCrashSec} s ≤ 10 s, lost ${f.eventsLost}, duplicated ${f.duplicates}, ` +
        `not back ${f.clientsNotBack}, stragglers ${f.stragglers}`,
    );
  const lat = results.herald?.['1000']?.latency;
  if (lat)
    verdict(lat.p99Ms <= 25, `p99 ≤ 25 ms at 1k × ${lat.offeredEventsPerSec}/s: ${lat.p99Ms} ms`);
  const idle = results.herald?.['10000']?.idle;
  if (idle)
    verdict(
      idle.rssPerConnKB <= 12,
      `≤ 12 KB RSS per idle connection at 10k: ${idle.rssPerConnKB} KB`,
    );
  const s = storm as StormLike | undefined;
  if (s?.caughtUpSec !== undefined) {
    verdict(
      s.caughtUpSec <= 5 && s.eventsLost === 0 && s.stragglers === 0,
      `storm (${s.dropped} of ${s.clients} drop): caught up in ${s.caughtUpSec} s ≤ 5 s, lost ${s.eventsLost}, stragglers ${s.stragglers}`,
    );
  }
  return out;
}
