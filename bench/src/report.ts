import { bottleneck } from './bottleneck';
import type { TargetName } from './targets';

/** What one server measured at one client count (any part may be missing if it failed). */
export interface SizeResult {
  /** 1-minute load average when this server's run began: the machine is shared. */
  loadavgAtStart?: number;
  /** The broker's version (mosquitto, nats); absent for this repository's servers. */
  serverVersion?: string;
  idle?: { connected: number; rssPerConnKB: number; connectSec: number };
  throughput?: {
    deliveriesPerSec: number;
    serverCpuMicrosPerDelivery: number;
    redisCpuMicrosPerDelivery?: number;
    serverCpuCores: number;
    deliveriesPerWrite?: number;
    serverRunqueueWait?: number;
    clientCpuCores: number;
    bytesPerMessage: number;
  };
  latency?: {
    serverCpuCores?: number;
    redisCpuCores?: number;
    serverRunqueueWait?: number;
    clientRunqueueWait?: number;
    publishAckP50P99Ms?: number[];
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    undelivered: number;
    offeredEventsPerSec: number;
  };
  /** Publishing alone (no readers), one entry per batch size. */
  publish?: {
    batch: number;
    inFlight: number;
    eventsPerSec: number;
    postMsP50P99: number[];
    serverCpuMicrosPerEvent: number;
    redisCpuMicrosPerEvent?: number;
  }[];
  error?: string;
}

export type Results = Partial<Record<TargetName, Record<string, SizeResult>>>;

const PEERS: TargetName[] = ['naive-ws', 'socket.io', 'floor', 'mosquitto', 'nats'];
const ALL: TargetName[] = ['herald', 'herald-redis', ...PEERS];

function fmt(n: number | string | undefined): string {
  if (typeof n === 'string') return n;
  if (n === undefined || Number.isNaN(n)) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return String(n);
}

function ratio(h: number | string | undefined, p: number | string | undefined): string {
  if (typeof h !== 'number' || typeof p !== 'number' || !p || Number.isNaN(h) || Number.isNaN(p))
    return '—';
  const r = h / p;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

type Pick = (r: SizeResult) => number | string | undefined;

/** The relay's CPU plus its Redis's, per delivery (for herald-redis; the relay's alone else). */
const totalCpu = (r: SizeResult) =>
  r.throughput &&
  Math.round(
    (r.throughput.serverCpuMicrosPerDelivery + (r.throughput.redisCpuMicrosPerDelivery ?? 0)) *
      1000,
  ) / 1000;

function publishRows(batch: number): [string, Pick][] {
  const at = (r: SizeResult) => r.publish?.find((p) => p.batch === batch);
  const of = batch === 1 ? 'batches of 1' : `batches of ${batch}`;
  return [
    [`publish: events/s acknowledged, ${of}`, (r) => at(r)?.eventsPerSec],
    [`publish: POST→202 p99 ms, ${of}`, (r) => at(r)?.postMsP50P99[1]],
    [`publish: server CPU µs/event, ${of}`, (r) => at(r)?.serverCpuMicrosPerEvent],
    [`publish: redis-server CPU µs/event, ${of}`, (r) => at(r)?.redisCpuMicrosPerEvent],
  ];
}

/**
 * A markdown table: one row per metric and client count, one column per server, then
 * Herald ÷ peer for each peer, and herald-redis ÷ herald when both ran (for costs like CPU
 * µs/delivery and latency, below 1× is better).
 */
export function table(results: Results, sizes: number[]): string {
  const rows: [string, number, Pick][] = [];
  for (const n of sizes) {
    const k = `${n / 1000}k`;
    const at = (label: string, pick: Pick): [string, number, Pick] => [label, n, pick];
    rows.push(
      at(`deliveries/s @${k}`, (r) => r.throughput?.deliveriesPerSec),
      at(`server CPU µs/delivery @${k}`, (r) => r.throughput?.serverCpuMicrosPerDelivery),
      at(`redis-server CPU µs/delivery @${k}`, (r) => r.throughput?.redisCpuMicrosPerDelivery),
      at(`server + redis CPU µs/delivery @${k}`, totalCpu),
      at(`server CPU cores @${k} (saturation)`, (r) => r.throughput?.serverCpuCores),
      at(`deliveries per server write syscall @${k}`, (r) => r.throughput?.deliveriesPerWrite),
      at(`client CPU cores @${k} (saturation)`, (r) => r.throughput?.clientCpuCores),
      at(`bottleneck @${k} (saturation)`, (r) => r.throughput && bottleneck(r.throughput)),
      at(`server waiting for a CPU @${k} (saturation)`, (r) => r.throughput?.serverRunqueueWait),
      at(`latency p50 ms @${k}`, (r) => r.latency?.p50Ms),
      at(`latency p99 ms @${k}`, (r) => r.latency?.p99Ms),
      at(`latency max ms @${k}`, (r) => r.latency?.maxMs),
      at(`undelivered @${k} (latency run)`, (r) => r.latency?.undelivered),
      at(`server CPU cores @${k} (latency run)`, (r) => r.latency?.serverCpuCores),
      at(`redis-server CPU cores @${k} (latency run)`, (r) => r.latency?.redisCpuCores),
      at(`server waiting for a CPU @${k} (latency run)`, (r) => r.latency?.serverRunqueueWait),
      at(`client waiting for a CPU @${k} (latency run)`, (r) => r.latency?.clientRunqueueWait),
      at(`publish POST→202 p99 ms @${k} (latency run)`, (r) => r.latency?.publishAckP50P99Ms?.[1]),
      at(`RSS KB/idle conn @${k}`, (r) => r.idle?.rssPerConnKB),
    );
  }
  // Publishing alone is measured once per server, in its run at the first size.
  for (const batch of [1, 100])
    for (const [l, p] of publishRows(batch)) rows.push([l, sizes[0]!, p]);
  const present = ALL.filter((t) => results[t]);
  if (present.length === 0) return '';
  const peers = PEERS.filter((t) => results[t]);
  const redisVsSqlite = results.herald && results['herald-redis'];
  const head = [
    'metric',
    ...present,
    ...(results.herald ? peers.map((p) => `herald÷${p}`) : []),
    ...(redisVsSqlite ? ['herald-redis÷herald'] : []),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const [label, size, pick] of rows) {
    const val = (t: TargetName) => {
      const r = results[t]?.[String(size)];
      return r ? pick(r) : undefined;
    };
    if (present.every((t) => val(t) === undefined)) continue;
    // The sum only says something next to a server on Redis.
    if (pick === totalCpu && !results['herald-redis']) continue;
    const cells = present.map((t) => fmt(val(t)));
    const ratios = results.herald ? peers.map((p) => ratio(val('herald'), val(p))) : [];
    if (redisVsSqlite) ratios.push(ratio(val('herald-redis'), val('herald')));
    lines.push(`| ${[label, ...cells, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

interface StormRow {
  clients: number;
  rate?: number;
  publishedDuringRun?: number;
  caughtUpSinceCrashSec?: number;
  caughtUpMsP50P90Max?: number[];
  clientsNotBack?: number;
  dropped: number;
  caughtUpSec: number;
  welcomeMsP50P90Max?: number[];
  clientStartMs: number;
  clientCpuCores: number;
  eventsLost: number;
  duplicates: number;
  stragglers: number;
  refusedAndRetried: number;
  serverCpuMicrosPerReconnect: number;
  redisCpuMicrosPerReconnect?: number;
  liveTrafficCpuMicrosPerReconnect: number;
  kernelListenDrops: number;
}

type StormPick = (s: StormRow, n: string) => string | number | undefined;

/** A markdown table of storm figures, one column per storm. */
function stormLines(
  title: string,
  storms: Record<string, unknown>,
  rows: [string, StormPick][],
): string {
  const names = Object.keys(storms);
  const lines = [
    `| ${title} | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const [label, pick] of rows) {
    const cells = names.map((n) => {
      const v = pick(storms[n] as StormRow, n);
      return v === undefined ? '—' : typeof v === 'number' ? fmt(Math.round(v * 100) / 100) : v;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The failover storm: relay A killed, every reader resumes at relay B of the same Herald. */
export function failoverTable(failover: Record<string, unknown>): string {
  if (failover.error) return `failover storm FAILED: ${String(failover.error)}`;
  return stormLines('failover storm', { 'herald-redis: kill -9 A, resume at B': failover }, [
    ['readers on A / events/s published at B', (s) => `${s.clients} / ${s.rate}`],
    ['kill → all caught up to the head at B, s', (s) => s.caughtUpSinceCrashSec],
    ['p50 / p90 / max welcome at B, ms', (s) => s.welcomeMsP50P90Max?.join(' / ')],
    ['p50 / p90 / max caught up, ms', (s) => s.caughtUpMsP50P90Max?.join(' / ')],
    ['events published during the run', (s) => s.publishedDuringRun],
    ['events lost / duplicated', (s) => `${s.eventsLost} / ${s.duplicates}`],
    [
      'not back / stragglers / refused+retried',
      (s) => `${s.clientsNotBack} / ${s.stragglers} / ${s.refusedAndRetried}`,
    ],
    ['relay B CPU µs per reconnect', (s) => s.serverCpuMicrosPerReconnect],
    ['redis-server CPU µs per reconnect', (s) => s.redisCpuMicrosPerReconnect],
    ['client CPU (cores)', (s) => s.clientCpuCores],
    ['kernel listen-queue drops', (s) => s.kernelListenDrops],
  ]);
}

/**
 * The reconnect storm per server. Only Herald resumes (`since`), so only its "caught up" and
 * "lost" mean anything; for the peers the storm shows what the handshakes alone cost.
 */
export function stormTable(storms: Record<string, unknown>): string {
  const names = Object.keys(storms);
  if (names.length === 0) return '';
  return stormLines('storm', storms, [
    ['storm: clients dropped / connected', (s) => `${s.dropped} / ${s.clients}`],
    ['storm: all back (welcome/open), s', (s) => (s.welcomeMsP50P90Max?.[2] ?? NaN) / 1000],
    ['storm: p50 back, s', (s) => (s.welcomeMsP50P90Max?.[0] ?? NaN) / 1000],
    ['storm: client process starting handshakes, s', (s) => s.clientStartMs / 1000],
    ['storm: client CPU (cores)', (s) => s.clientCpuCores],
    [
      'storm: all caught up (replayed to head), s',
      (s, n) => (n.startsWith('herald') ? s.caughtUpSec : undefined),
    ],
    [
      'storm: events lost / duplicated',
      (s, n) => (n.startsWith('herald') ? `${s.eventsLost} / ${s.duplicates}` : undefined),
    ],
    ['storm: server CPU µs per reconnect', (s) => s.serverCpuMicrosPerReconnect],
    ['  of which live traffic (pre-storm rate)', (s) => s.liveTrafficCpuMicrosPerReconnect],
    ['storm: refused+retried / stragglers', (s) => `${s.refusedAndRetried} / ${s.stragglers}`],
    ['storm: kernel listen-queue drops', (s) => s.kernelListenDrops],
  ]);
}
