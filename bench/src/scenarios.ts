import type { PublishEvent } from '@herald/shared';
import type { ClientPool } from './client-pool';
import type { ClientStats } from './ipc';
import { makeEvents } from './payload';
import { cpuMicros, rssBytes, runqueueWaitMicros, writeSyscalls } from './proc';
import { postEvents } from './publisher';
import { percentiles, round, sleep } from './stats';
import type { Target } from './targets';

export interface Session {
  target: Target;
  pool: ClientPool;
  clients: number;
}

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const received = (s: ClientStats[]): number => sum(s.map((x) => x.received - x.outOfOrder));

/** Client processes' CPU use between two snapshots, as a share of one core (max over processes). */
function clientCpu(a: ClientStats[], b: ClientStats[]): number {
  return Math.max(
    ...b.map((x, i) => (x.cpuMicros - a[i]!.cpuMicros) / (x.wallMicros - a[i]!.wallMicros)),
  );
}

/** CPU time (µs) of the server's helper process (its redis-server), 0 when it has none. */
const auxCpu = (t: Target): number => (t.auxPid ? cpuMicros(t.auxPid) : 0);

/** A batch to the server: Herald and the Node peers by HTTP POST, a broker in its protocol. */
const publishTo = (t: Target, events: PublishEvent[]): Promise<void> =>
  t.publish ? t.publish(events) : postEvents(t.publishUrl, t.publishToken, events);

/** Keeps publishing in the background; `stop()` resolves once every POST has been answered. */
function publisher(t: Target, next: (published: number) => number, maxInFlight: number) {
  let published = 0;
  let inFlight = 0;
  let errors = 0;
  let acked = 0;
  let running = true;
  let lastError = '';
  let freed: (() => void) | undefined;
  const acks: number[] = [];
  const loop = (async () => {
    while (running) {
      if (inFlight >= maxInFlight) {
        // Wake as soon as a POST is answered (a closed loop must not idle 1 ms per request).
        await new Promise<void>((resolve) => {
          freed = resolve;
          setTimeout(resolve, 1);
        });
        continue;
      }
      const n = next(published);
      if (n <= 0) {
        await sleep(1);
        continue;
      }
      published += n;
      inFlight++;
      const sent = performance.now();
      publishTo(t, makeEvents(n))
        .then(() => {
          acks.push(performance.now() - sent);
          acked += n;
        })
        .catch((e: unknown) => {
          errors++;
          lastError = String(e);
        })
        .finally(() => {
          inFlight--;
          freed?.();
        });
    }
    while (inFlight > 0) await sleep(1);
  })();
  return {
    get published() {
      return published - errors;
    },
    /** Events the server has acknowledged (202) so far. */
    get acked() {
      return acked;
    },
    /** POST → 202 round trips (a broker: batch → pong), ms. */
    acks,
    stop: async () => {
      running = false;
      await loop;
      if (errors) console.error(`  ${errors} publish errors, last: ${lastError}`);
    },
  };
}

/**
 * Publish throughput, no readers: a closed loop of `inFlight` POSTs of `batch` events each;
 * events acknowledged (202) per second, POST round trips, and server (and Redis) CPU per event.
 */
export async function publishThroughput(
  t: Target,
  batch: number,
  inFlight: number,
  warmupMs: number,
  measureMs: number,
) {
  const pub = publisher(t, () => batch, inFlight);
  await sleep(warmupMs);
  const [ackedA, acksA, cpuA, auxA] = [pub.acked, pub.acks.length, cpuMicros(t.pid), auxCpu(t)];
  const t0 = performance.now();
  await sleep(measureMs);
  const [ackedB, acksB, cpuB, auxB] = [pub.acked, pub.acks.length, cpuMicros(t.pid), auxCpu(t)];
  const wall = (performance.now() - t0) / 1000;
  await pub.stop();
  const events = Math.max(1, ackedB - ackedA);
  return {
    batch,
    inFlight,
    eventsPerSec: Math.round(events / wall),
    postMsP50P99: percentiles(pub.acks.slice(acksA, acksB), [50, 99]).map((ms) => round(ms)),
    serverCpuMicrosPerEvent: round((cpuB - cpuA) / events, 2),
    serverCpuCores: round((cpuB - cpuA) / 1e6 / wall),
    redisCpuMicrosPerEvent: t.auxPid ? round((auxB - auxA) / events, 2) : undefined,
    redisCpuCores: t.auxPid ? round((auxB - auxA) / 1e6 / wall) : undefined,
  };
}

/** Publishes `rate` events/s, each as soon as it falls due. */
export function steadyPublisher(t: Target, rate: number) {
  const start = performance.now();
  return publisher(
    t,
    (published) => Math.floor(((performance.now() - start) / 1000) * rate) - published,
    16,
  );
}

/** Waits until every client has every published event, or the deadline; returns what is missing. */
export async function drain(s: Session, published: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && s.pool.progress < published * s.clients) await sleep(20);
  return Math.max(0, published * s.clients - received(await s.pool.stats()));
}

/**
 * Saturation: a closed loop keeps at most `windowDeliveries` deliveries in flight, so servers
 * without backpressure don't buffer without bound; measured after a warm-up.
 */
export async function throughput(
  s: Session,
  warmupMs: number,
  measureMs: number,
  windowDeliveries = 200_000,
) {
  await s.pool.reset();
  const windowEvents = Math.max(8, Math.ceil(windowDeliveries / s.clients));
  const batch = Math.max(1, Math.min(100, Math.ceil(windowEvents / 4)));
  const pub = publisher(
    s.target,
    (published) => {
      const ahead = published - s.pool.progress / s.clients;
      return ahead < windowEvents ? Math.min(batch, Math.ceil(windowEvents - ahead)) : 0;
    },
    4,
  );
  await sleep(warmupMs);
  const a = await s.pool.stats();
  const cpuA = cpuMicros(s.target.pid);
  const auxA = auxCpu(s.target);
  const waitA = runqueueWaitMicros(s.target.pid);
  const writesA = writeSyscalls(s.target.pid);
  const t0 = performance.now();
  await sleep(measureMs);
  const b = await s.pool.stats();
  const cpuB = cpuMicros(s.target.pid);
  const auxB = auxCpu(s.target);
  const writesB = writeSyscalls(s.target.pid);
  const waitB = runqueueWaitMicros(s.target.pid);
  const wall = (performance.now() - t0) / 1000;
  await pub.stop();
  const missing = await drain(s, pub.published, 5000);
  const deliveries = received(b) - received(a);
  return {
    deliveriesPerSec: Math.round(deliveries / wall),
    serverCpuMicrosPerDelivery: round((cpuB - cpuA) / Math.max(1, deliveries), 3),
    /** The redis-server's CPU per delivery (herald-redis), apart from the relay's. */
    redisCpuMicrosPerDelivery: s.target.auxPid
      ? round((auxB - auxA) / Math.max(1, deliveries), 3)
      : undefined,
    serverCpuCores: round((cpuB - cpuA) / 1e6 / wall),
    /** Deliveries per write syscall of the server (socket writes, log writes and all). */
    deliveriesPerWrite: s.target.writesUncounted
      ? undefined
      : round(deliveries / Math.max(1, writesB - writesA), 1),
    serverRunqueueWait: round((waitB - waitA) / 1e6 / wall),
    clientCpuCores: round(clientCpu(a, b)),
    bytesPerMessage: Math.round(
      (sum(b.map((x) => x.bytes)) - sum(a.map((x) => x.bytes))) / deliveries,
    ),
    undelivered: missing,
  };
}

/** Fixed offered load (events/s to every client); latency from just before the POST. */
export async function latency(s: Session, rate: number, durationMs: number, drainMs: number) {
  await s.pool.reset();
  const pub = steadyPublisher(s.target, rate);
  const cpuA = cpuMicros(s.target.pid);
  const auxA = auxCpu(s.target);
  const waitA = runqueueWaitMicros(s.target.pid);
  const clientWaitA = s.pool.pids.map(runqueueWaitMicros);
  await sleep(durationMs);
  const clientRunqueueWait = round(
    Math.max(...s.pool.pids.map((p, i) => runqueueWaitMicros(p) - clientWaitA[i]!)) /
      1e3 /
      durationMs,
  );
  const serverCpuCores = round((cpuMicros(s.target.pid) - cpuA) / 1e3 / durationMs);
  const redisCpuCores = s.target.auxPid
    ? round((auxCpu(s.target) - auxA) / 1e3 / durationMs)
    : undefined;
  const serverRunqueueWait = round((runqueueWaitMicros(s.target.pid) - waitA) / 1e3 / durationMs);
  await pub.stop();
  const undelivered = await drain(s, pub.published, drainMs);
  const stats = await s.pool.stats();
  const lat = stats.flatMap((x) => x.latencies);
  const [p50 = NaN, p99 = NaN, max = NaN] = percentiles(lat, [50, 99, 100]).map((us) =>
    round(us / 1000),
  );
  return {
    offeredEventsPerSec: rate,
    published: pub.published,
    samples: lat.length,
    p50Ms: p50,
    p99Ms: p99,
    maxMs: max,
    undelivered,
    serverCpuCores,
    redisCpuCores,
    /** Share of the time the server's event loop was ready to run but had no CPU. */
    serverRunqueueWait,
    clientCpuCores: round(Math.max(...stats.map((x) => x.cpuMicros / x.wallMicros))),
    clientRunqueueWait,
    publishAckP50P99Ms: percentiles(pub.acks, [50, 99]).map((ms) => round(ms)),
  };
}

/** Connects the clients and reports the server's RSS growth per idle connection. */
export async function connectIdle(s: Session, settleMs: number) {
  await sleep(500);
  const before = rssBytes(s.target.pid);
  const t0 = performance.now();
  const connected = await s.pool.connect(s.clients, 120_000);
  const connectSec = (performance.now() - t0) / 1000;
  await sleep(settleMs);
  const after = rssBytes(s.target.pid);
  return {
    connected,
    connectSec: round(connectSec),
    rssBeforeMB: round(before / 2 ** 20, 1),
    rssAfterMB: round(after / 2 ** 20, 1),
    rssPerConnKB: round((after - before) / 1024 / Math.max(1, connected), 1),
  };
}
