import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startProxyProcess } from '@herald/testkit/proxy';
import { ClientPool } from './client-pool';
import { STOP_GRACE_MS } from './daemon';
import { cpuMicros, rssBytes } from './proc';
import { connectIdle, latency, throughput, type Session } from './scenarios';
import { round } from './stats';
import { startHerald } from './targets';

/**
 * The proxy's own costs, for the capacity model in docs/performance.md: HAProxy started from
 * deploy/haproxy/herald.cfg as it is (TLS with a P-256 certificate made for the run; both of its
 * backend slots on one Herald relay, `HERALD_TRUST_PROXY=true`), the readers connecting through
 * it over wss, the publisher posting to the relay directly. Every figure is HAProxy's process:
 * RSS per idle connection, CPU per connection set up (TLS handshake, upgrade, the backend
 * connection), CPU per delivery in the throughput loop (batched) and at a fixed rate (one event
 * per write).
 *
 *   npx tsx bench/src/proxy-probe.ts --clients=5000 [--rate=20] [--skip=throughput,latency]
 */
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const clients = Number(arg('clients') ?? 1000);
const rate = Number(arg('rate') ?? (clients <= 1000 ? 200 : 20));
const measureMs = Number(arg('measure-ms') ?? 4000);
const skip = new Set(arg('skip')?.split(',') ?? []);
const HAPROXY = process.env.HERALD_BENCH_HAPROXY ?? '/usr/sbin/haproxy';

const [relay] = await startHerald({ HERALD_TRUST_PROXY: 'true' });
const relayAt = new URL(relay!.publishUrl).host;
// testkit's launcher: the deploy file as it is, one process in the foreground, stopped by its PID.
const proxy = await startProxyProcess('haproxy', {
  relays: [relayAt, relayAt],
  bin: HAPROXY,
  stopGraceMs: STOP_GRACE_MS,
  stderr: 'inherit',
});
const pid = proxy.pid;
// The clients (forked, so they inherit this) accept the run's self-signed certificate.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// HAProxy's socket writes are send(2), which /proc/<pid>/io does not count.
const wsUrl = `${proxy.url.replace(/^https/, 'wss')}/v1/ws`;
const target = { ...relay!, pid, wsUrl, writesUncounted: true };
const pool = await ClientPool.for(target, clients, 1);
const s: Session = { target, pool, clients };
const out: Record<string, unknown> = {
  haproxy: execFileSync(HAPROXY, ['-v'], { encoding: 'utf8' }).split('\n')[0],
  clients,
  loadavgAtStart: round(loadavg()[0]!),
};
try {
  const relayRss = rssBytes(relay!.pid);
  const cpu0 = cpuMicros(pid);
  const idle = await connectIdle(s, 2000);
  out.idle = {
    ...idle,
    // The 2.5 s of waiting around it (health checks every second) are in it too: an upper bound.
    haproxyCpuMicrosPerConnect: Math.round((cpuMicros(pid) - cpu0) / Math.max(1, idle.connected)),
    relayRssPerConnKB: round((rssBytes(relay!.pid) - relayRss) / 1024 / idle.connected, 1),
  };
  console.error(`idle: ${JSON.stringify(out.idle)}`);
  if (!skip.has('throughput')) {
    out.throughput = await throughput(s, 1000, measureMs);
    console.error(`throughput: ${JSON.stringify(out.throughput)}`);
  }
  if (!skip.has('latency')) {
    const l = await latency(s, rate, measureMs, 4000);
    const perDelivery = (l.serverCpuCores * 1e6) / (rate * clients);
    out.latency = { ...l, haproxyCpuMicrosPerDelivery: round(perDelivery) };
    console.error(`latency: ${JSON.stringify(out.latency)}`);
  }
} finally {
  await pool.stop();
  await proxy.stop();
  await relay!.stop();
}
const results = new URL('../results/capacity/', import.meta.url).pathname;
mkdirSync(results, { recursive: true });
const file = `${results}${new Date().toISOString().replace(/[:.]/g, '-')}-haproxy-${clients}.json`;
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify(out, null, 2));
console.log(`wrote ${file}`);
