import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { cpuMicros } from './proc';
import { publishThroughput, steadyPublisher } from './scenarios';
import { round, sleep } from './stats';
import { startHerald, startRedis, type Target } from './targets';

/**
 * What one Redis primary pays per event as relays are added, for the capacity model in
 * docs/performance.md: one Herald on the bench's own redis-server with 1, 2, 4, … relays and one
 * reader each (a relay tails the log only while someone reads), events published at relay A
 * (closed loops of 1-event and 100-event POSTs, and a fixed rate of single events); CPU per event
 * of the redis-server, of relay A, and of each other relay (which only tails: every relay reads
 * every event).
 *
 *   npx tsx bench/src/redis-probe.ts [--relays=1,2,4,8] [--measure-ms=4000] [--rate=200]
 */
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const counts = (arg('relays') ?? '1,2,4,8').split(',').map(Number);
const measureMs = Number(arg('measure-ms') ?? 4000);
const rate = Number(arg('rate') ?? 200);

const perEvent = (micros: number, events: number) => round(micros / Math.max(1, events), 1);

/**
 * One reader per relay, so each relay's tailer runs (it tails only while someone reads), as in
 * any deployment; it receives every event, which is one delivery per event per relay.
 */
async function reader(t: Target): Promise<WebSocket> {
  const ws = new WebSocket(t.wsUrl, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', token: t.userToken })));
    ws.on('message', (d: Buffer) => {
      if (d.toString().startsWith('{"type":"welcome"')) resolve();
    });
  });
  return ws;
}

const rows: Record<string, unknown>[] = [];
for (const relays of counts) {
  const redis = await startRedis();
  const all = await startHerald({}, [], redis, relays);
  const [a, ...others] = all;
  const readers = await Promise.all(all.map(reader));
  /** CPU µs so far of the redis-server, relay A, and the other relays together. */
  const usage = () => [
    cpuMicros(redis.pid),
    cpuMicros(a!.pid),
    others.reduce((sum, r) => sum + cpuMicros(r.pid), 0),
  ];
  const since = (u: number[]) => usage().map((x, i) => x - u[i]!);
  try {
    const row: Record<string, unknown> = { relays, loadavgAtStart: round(loadavg()[0]!) };
    // What they spend with nothing published (timers, heartbeats, blocked reads timing out).
    let u = usage();
    await sleep(measureMs);
    const idle = since(u).map((x) => x / measureMs);
    row.idleCpuCores = idle.map((x) => round(x / 1000, 3));
    for (const [batch, inFlight] of [
      [1, 16],
      [100, 4],
    ] as const) {
      u = usage();
      const p = await publishThroughput(a!, batch, inFlight, 1000, measureMs);
      // The other relays' CPU spans the warm-up too: events of warm-up and measurement, at one rate.
      const events = (p.eventsPerSec * (measureMs + 1000)) / 1000;
      row[`batch${batch}`] = {
        eventsPerSec: p.eventsPerSec,
        relayCpuMicrosPerEvent: p.serverCpuMicrosPerEvent,
        redisCpuMicrosPerEvent: p.redisCpuMicrosPerEvent,
        /** Each other relay's, per event it tailed (approximate: see above). */
        otherRelaysCpuMicrosPerEvent: perEvent(since(u)[2]!, events * others.length),
      };
    }
    // A fixed rate of single events, as a notification load arrives (each tail read gets one);
    // the idle spend over the same time is taken off.
    u = usage();
    const t0 = performance.now();
    const pub = steadyPublisher(a!, rate);
    await sleep(measureMs);
    await pub.stop();
    await sleep(200);
    const ms = performance.now() - t0;
    const [r, own, rest] = since(u).map((x, i) => x - idle[i]! * ms);
    const n = pub.published;
    row[`rate${rate}`] = {
      events: n,
      redisCpuMicrosPerEvent: perEvent(r!, n),
      relayCpuMicrosPerEvent: perEvent(own!, n),
      otherRelaysCpuMicrosPerEvent: perEvent(rest!, n * others.length),
    };
    rows.push(row);
    console.error(JSON.stringify(row));
  } finally {
    for (const ws of readers) ws.terminate();
    await a!.stop();
    await redis.stop();
  }
}
const dir = new URL('../results/capacity/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const file = `${dir}${new Date().toISOString().replace(/[:.]/g, '-')}-redis-relays.json`;
writeFileSync(file, JSON.stringify({ measureMs, rate, rows }, null, 2) + '\n');
console.log(JSON.stringify(rows, null, 2));
console.log(`wrote ${file}`);
