import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientPool } from './client-pool';
import { freePort, probePort } from '@herald/testkit/ports';
import { spawnDaemon, stopChild } from './daemon';
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
const CONFIG = new URL('../../deploy/haproxy/herald.cfg', import.meta.url).pathname;

/** A self-signed P-256 certificate and its key in one PEM file, as HAProxy's `crt` takes. */
function certificate(dir: string): string {
  const [key, cert, pem] = ['key.pem', 'cert.pem', 'herald.pem'].map((f) => join(dir, f));
  const req = `req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1`;
  execFileSync('openssl', [...req.split(' '), '-keyout', key!, '-out', cert!, '-subj', '/CN=b'], {
    stdio: 'ignore',
  });
  writeFileSync(pem!, readFileSync(cert!, 'utf8') + readFileSync(key!, 'utf8'));
  return pem!;
}

const dir = mkdtempSync(join(tmpdir(), 'herald-bench-haproxy-'));
const [relay] = await startHerald({ HERALD_TRUST_PROXY: 'true' });
const relayAt = new URL(relay!.publishUrl).host;
const port = await freePort();
const env = {
  ...process.env,
  HERALD_BIND: `127.0.0.1:${port}`,
  HERALD_TLS_PEM: certificate(dir),
  HERALD_RELAY_A: relayAt,
  HERALD_RELAY_B: relayAt,
};
// One process in the foreground (-db), stopped by its PID.
const proxy = await spawnDaemon(HAPROXY, ['-db', '-f', CONFIG], () => probePort(port), env);
const pid = proxy.pid ?? 0;
// The clients (forked, so they inherit this) accept the run's self-signed certificate.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// HAProxy's socket writes are send(2), which /proc/<pid>/io does not count.
const target = { ...relay!, pid, wsUrl: `wss://127.0.0.1:${port}/v1/ws`, writesUncounted: true };
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
  await stopChild(proxy);
  await relay!.stop();
  rmSync(dir, { recursive: true, force: true });
}
const results = new URL('../results/capacity/', import.meta.url).pathname;
mkdirSync(results, { recursive: true });
const file = `${results}${new Date().toISOString().replace(/[:.]/g, '-')}-haproxy-${clients}.json`;
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify(out, null, 2));
console.log(`wrote ${file}`);
