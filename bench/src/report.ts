import type { TargetName } from './targets';

/** What one server measured at one client count (any part may be missing if it failed). */
export interface SizeResult {
  /** 1-minute load average when this server's run began: the machine is shared. */
  loadavgAtStart?: number;
  idle?: { connected: number; rssPerConnKB: number; connectSec: number };
  throughput?: {
    deliveriesPerSec: number;
    serverCpuMicrosPerDelivery: number;
    serverCpuCores: number;
    serverRunqueueWait?: number;
    clientCpuCores: number;
    bytesPerMessage: number;
  };
  latency?: {
    serverCpuCores?: number;
    serverRunqueueWait?: number;
    clientRunqueueWait?: number;
    publishAckP50P99Ms?: number[];
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    undelivered: number;
    offeredEventsPerSec: number;
  };
  error?: string;
}

export type Results = Partial<Record<TargetName, Record<string, SizeResult>>>;

const PEERS: TargetName[] = ['naive-ws', 'socket.io', 'floor'];
const ALL: TargetName[] = ['herald', ...PEERS];

/** Above this share of a core the client process, not the server, may be what limits throughput. */
export const CLIENT_SATURATED = 0.9;

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return String(n);
}

function ratio(h: number | undefined, p: number | undefined): string {
  if (h === undefined || p === undefined || !p || Number.isNaN(h) || Number.isNaN(p)) return '—';
  const r = h / p;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

type Pick = (r: SizeResult) => number | undefined;

/**
 * A markdown table: one row per metric and client count, one column per server, then
 * Herald ÷ peer for each peer (for costs like CPU µs/delivery and latency, below 1× is better).
 */
export function table(results: Results, sizes: number[]): string {
  const rows: [string, Pick][] = [];
  for (const n of sizes) {
    const k = `${n / 1000}k`;
    rows.push(
      [`deliveries/s @${k}`, (r) => r.throughput?.deliveriesPerSec],
      [`server CPU µs/delivery @${k}`, (r) => r.throughput?.serverCpuMicrosPerDelivery],
      [`server CPU cores @${k} (saturation)`, (r) => r.throughput?.serverCpuCores],
      [`client CPU cores @${k} (saturation)`, (r) => r.throughput?.clientCpuCores],
      [`server waiting for a CPU @${k} (saturation)`, (r) => r.throughput?.serverRunqueueWait],
      [`latency p50 ms @${k}`, (r) => r.latency?.p50Ms],
      [`latency p99 ms @${k}`, (r) => r.latency?.p99Ms],
      [`latency max ms @${k}`, (r) => r.latency?.maxMs],
      [`undelivered @${k} (latency run)`, (r) => r.latency?.undelivered],
      [`server CPU cores @${k} (latency run)`, (r) => r.latency?.serverCpuCores],
      [`server waiting for a CPU @${k} (latency run)`, (r) => r.latency?.serverRunqueueWait],
      [`client waiting for a CPU @${k} (latency run)`, (r) => r.latency?.clientRunqueueWait],
      [`publish POST→202 p99 ms @${k} (latency run)`, (r) => r.latency?.publishAckP50P99Ms?.[1]],
      [`RSS KB/idle conn @${k}`, (r) => r.idle?.rssPerConnKB],
    );
  }
  const present = ALL.filter((t) => results[t]);
  const peers = PEERS.filter((t) => results[t]);
  const head = ['metric', ...present, ...(results.herald ? peers.map((p) => `herald÷${p}`) : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const [label, pick] of rows) {
    const n = label.slice(label.indexOf('@') + 1).split(' ')[0]!;
    const size = String(Number(n.replace('k', '')) * 1000);
    const val = (t: TargetName) => {
      const r = results[t]?.[size];
      return r ? pick(r) : undefined;
    };
    if (present.every((t) => val(t) === undefined)) continue;
    const cells = present.map((t) => fmt(val(t)));
    const ratios = results.herald ? peers.map((p) => ratio(val('herald'), val(p))) : [];
    lines.push(`| ${[label, ...cells, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

interface StormRow {
  clients: number;
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
  liveTrafficCpuMicrosPerReconnect: number;
  kernelListenDrops: number;
}

/**
 * The reconnect storm per server. Only Herald resumes (`since`), so only its "caught up" and
 * "lost" mean anything; for the peers the storm shows what the handshakes alone cost.
 */
export function stormTable(storms: Record<string, unknown>): string {
  const names = Object.keys(storms);
  if (names.length === 0) return '';
  const rows: [string, (s: StormRow, n: string) => string | number | undefined][] = [
    ['storm: clients dropped / connected', (s) => `${s.dropped} / ${s.clients}`],
    ['storm: all back (welcome/open), s', (s) => (s.welcomeMsP50P90Max?.[2] ?? NaN) / 1000],
    ['storm: p50 back, s', (s) => (s.welcomeMsP50P90Max?.[0] ?? NaN) / 1000],
    ['storm: client process starting handshakes, s', (s) => s.clientStartMs / 1000],
    ['storm: client CPU (cores)', (s) => s.clientCpuCores],
    [
      'storm: all caught up (replayed to head), s',
      (s, n) => (n === 'herald' ? s.caughtUpSec : undefined),
    ],
    [
      'storm: events lost / duplicated',
      (s, n) => (n === 'herald' ? `${s.eventsLost} / ${s.duplicates}` : undefined),
    ],
    ['storm: server CPU µs per reconnect', (s) => s.serverCpuMicrosPerReconnect],
    ['  of which live traffic (pre-storm rate)', (s) => s.liveTrafficCpuMicrosPerReconnect],
    ['storm: refused+retried / stragglers', (s) => `${s.refusedAndRetried} / ${s.stragglers}`],
    ['storm: kernel listen-queue drops', (s) => s.kernelListenDrops],
  ];
  const lines = [`| storm | ${names.join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`];
  for (const [label, pick] of rows) {
    const cells = names.map((n) => {
      const v = pick(storms[n] as StormRow, n);
      return v === undefined ? '—' : typeof v === 'number' ? fmt(Math.round(v * 100) / 100) : v;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
