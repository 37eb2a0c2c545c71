import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { brokerNotes } from './broker-notes';
import { BROKERS, brokerInstalled, isBrokerTarget, startBroker } from './brokers';
import { ClientPool } from './client-pool';
import { failover } from './failover';
import { connectIdle, latency, publishThroughput, throughput, type Session } from './scenarios';
import { storm } from './storm';
import { clientBound } from './bottleneck';
import { failoverTable, stormTable, table, type Results, type SizeResult } from './report';
import { startHerald, startPeer, startRedis, type Target, type TargetName } from './targets';
import { checkTargets } from './targets-check';

/**
 * `npm run bench` (quick, ~2 min: 1k clients) or `npm run bench -- --full` (1k and 10k, storm of
 * 5k). Options: --only=herald,herald-redis,floor  --clients=1000,3000
 * --skip=throughput,latency,storm,publish  --client-procs=2  --measure-ms=20000
 * --window=400000 (deliveries in flight in the throughput loop; default 200000)
 * --rate=50 (the latency phase's events/s instead of 200 at 1k, 20 else)
 * --failover (also the failover storm: two relays on one Redis, kill -9 the one the readers are
 * on; --failover-clients=5000 --failover-rate=20; --only=none for the failover alone)
 * --sio-official (socket.io-client, not the raw engine.io client)
 * --herald-cpu-prof (a V8 CPU profile of each Herald relay and of the floor, to set them side by
 * side; profiles land in bench/results/profiles/<target>/; summarise with cpuprofile-summary.ts). HERALD_BENCH_CLI=path/to/herald-relay.js benchmarks another build.
 */
const args = process.argv.slice(2);
const opt = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ??
  (args.includes(`--${name}`) ? 'true' : undefined);

const full = opt('full') === 'true';
const profile = full
  ? {
      name: 'full',
      sizes: [1000, 10000],
      warmupMs: 2000,
      measureMs: 8000,
      latencyMs: 10_000,
      drainMs: 10_000,
      settleMs: 2000,
      stormPeers: ['naive-ws', 'socket.io', 'floor'],
    }
  : {
      name: 'quick',
      sizes: [1000],
      warmupMs: 1000,
      measureMs: 4000,
      latencyMs: 4000,
      drainMs: 4000,
      settleMs: 1000,
      stormPeers: ['floor'],
    };
if (opt('measure-ms')) profile.measureMs = Number(opt('measure-ms'));
const sizes = opt('clients') ? opt('clients')!.split(',').map(Number) : profile.sizes;
const RATE: Record<number, number> = { 1000: 200, 10000: 20 };
// Events/s published through the storm: enough to prove the replay→live seam, light enough
// that the storm measures reconnecting rather than fan-out.
const STORM_RATE = 10;
// Full: half of the largest count drops (5k of 10k); quick: all of them.
const largest = Math.max(...sizes);
const stormAt = { clients: largest, drop: full ? Math.floor(largest / 2) : largest };
// The brokers run by default when installed (mosquitto, nats-server; apt packages of those names).
const targets = (opt('only')
  ?.split(',')
  .filter((t) => t !== 'none') ?? [
  'herald',
  'naive-ws',
  'socket.io',
  'floor',
  ...BROKERS.filter(brokerInstalled),
]) as TargetName[];
const clientProcs = Number(opt('client-procs') ?? 1);
const skip = new Set(opt('skip')?.split(',') ?? []);
const failoverAt = opt('failover')
  ? {
      clients: Number(opt('failover-clients') ?? 5000),
      // 20/s × 5k readers is 100k deliveries/s, which one client process keeps up with here.
      rate: Number(opt('failover-rate') ?? 20),
    }
  : undefined;
// Publish throughput (no readers): batches of 1 with 16 POSTs in flight, of 100 with 4.
const PUBLISH = [
  { batch: 1, inFlight: 16 },
  { batch: 100, inFlight: 4 },
];

/** Node flags for a relay or the floor: a V8 CPU profile per target with --herald-cpu-prof. */
function relayNodeArgs(name: string): string[] {
  if (opt('herald-cpu-prof') !== 'true') return [];
  const dir = new URL(`../results/profiles/${name}/`, import.meta.url).pathname;
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

async function start(name: TargetName): Promise<Target> {
  if (isBrokerTarget(name)) return startBroker(name);
  if (name === 'herald') return (await startHerald({}, relayNodeArgs(name)))[0]!;
  if (name !== 'herald-redis')
    return startPeer(
      name,
      opt('sio-official') === 'true',
      name === 'floor' ? relayNodeArgs(name) : [],
    );
  // Its own redis-server, stopped with it.
  const redis = await startRedis();
  try {
    const [relay] = await startHerald({}, relayNodeArgs(name), redis);
    return {
      ...relay!,
      stop: async () => {
        await relay!.stop();
        await redis.stop();
      },
    };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}

async function runOne(
  name: TargetName,
  clients: number,
): Promise<SizeResult & { storm?: unknown }> {
  const target = await start(name);
  const pool = await ClientPool.for(target, clients, clientProcs);
  const s: Session = { target, pool, clients };
  const out: SizeResult & { storm?: unknown } = {
    loadavgAtStart: loadavg()[0],
    serverVersion: target.version,
  };
  try {
    out.idle = await connectIdle(s, profile.settleMs);
    log(`  ${name} @${clients}: idle ${JSON.stringify(out.idle)}`);
    if (out.idle.connected < clients) throw new Error(`only ${out.idle.connected} connected`);
    if (!skip.has('throughput')) {
      out.throughput = await throughput(
        s,
        profile.warmupMs,
        profile.measureMs,
        Number(opt('window') ?? 200_000),
      );
      log(`  ${name} @${clients}: throughput ${JSON.stringify(out.throughput)}`);
      if (clientBound(out.throughput)) {
        log(
          `  note: a client process used ${out.throughput.clientCpuCores} of a core: client-bound`,
        );
      }
    }
    if (!skip.has('latency')) {
      const rate = Number(opt('rate') ?? RATE[clients] ?? 20);
      out.latency = await latency(s, rate, profile.latencyMs, profile.drainMs);
      log(`  ${name} @${clients}: latency ${JSON.stringify(out.latency)}`);
    }
    // Peers get the same storm as a control for the connection handshake cost (no resume there).
    const storms = target.protocol === 'herald' || profile.stormPeers.includes(name);
    if (clients === stormAt.clients && storms && !skip.has('storm')) {
      out.storm = await storm(s, stormAt.drop, STORM_RATE);
      log(`  ${name} @${clients}: storm ${JSON.stringify(out.storm)}`);
    }
  } catch (err) {
    out.error = String(err);
    log(`  ${name} @${clients}: FAILED ${out.error}`);
  } finally {
    await pool.stop();
  }
  // Publishing alone, once per server (at the first size): no readers, so this is the publish
  // path and the log's write, not the fan-out.
  if (clients === sizes[0] && !skip.has('publish') && !out.error) {
    try {
      out.publish = [];
      for (const { batch, inFlight } of PUBLISH) {
        const p = await publishThroughput(
          target,
          batch,
          inFlight,
          profile.warmupMs,
          profile.measureMs,
        );
        out.publish.push(p);
        log(`  ${name}: publish ${JSON.stringify(p)}`);
      }
    } catch (err) {
      out.error = String(err);
      log(`  ${name}: publish FAILED ${out.error}`);
    }
  }
  await target.stop();
  return out;
}

function log(line: string): void {
  process.stderr.write(line + '\n');
}

function machine() {
  const sh = (cmd: string, a: string[]) => {
    try {
      return execFileSync(cmd, a).toString().trim();
    } catch {
      return 'unknown';
    }
  };
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  return {
    nproc: Number(sh('nproc', [])),
    cpuModel: model ?? cpus()[0]?.model,
    node: process.version,
    kernel: sh('uname', ['-r']),
    loadavgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    /** Set when another build of the relay was measured (HERALD_BENCH_CLI), with its commit. */
    relayCli: process.env.HERALD_BENCH_CLI,
    relayCliCommit: process.env.HERALD_BENCH_CLI
      ? sh('git', ['-C', dirname(process.env.HERALD_BENCH_CLI), 'rev-parse', '--short', 'HEAD'])
      : undefined,
  };
}

const startedAt = new Date();
const info = machine();
log(
  `bench ${profile.name}: ${targets.join(', ')} at ${sizes.join(', ')} clients; ${JSON.stringify(info)}`,
);
const results: Results = {};
const storms: Record<string, unknown> = {};
for (const clients of sizes) {
  for (const name of targets) {
    const r = await runOne(name, clients);
    if (r.storm) storms[name] = r.storm;
    delete r.storm;
    (results[name] ??= {})[String(clients)] = r;
  }
}
let failoverResult: Record<string, unknown> | undefined;
if (failoverAt) {
  log(`  failover: ${failoverAt.clients} readers, ${failoverAt.rate} events/s`);
  try {
    failoverResult = await failover({
      ...failoverAt,
      clientProcs,
      env: {},
      nodeArgs: relayNodeArgs('failover'),
    });
  } catch (err) {
    failoverResult = { error: String(err) };
  }
  log(`  failover: ${JSON.stringify(failoverResult)}`);
}
const stormResult = storms.herald;
const summary = [
  table(results, sizes),
  brokerNotes(results),
  stormTable(storms),
  failoverResult ? failoverTable(failoverResult) : '',
]
  .filter(Boolean)
  .join('\n\n');
const verdicts = checkTargets(results, sizes, stormResult, failoverResult);
console.log(
  `\nHerald bench (${profile.name}), ${info.cpuModel}, ${info.nproc} cores, node ${info.node}\n`,
);
console.log(summary);
console.log('\ntargets:\n' + verdicts.map((v) => `- ${v}`).join('\n'));
const dir = new URL('../results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const file = `${dir}${startedAt.toISOString().replace(/[:.]/g, '-')}-${profile.name}.json`;
const finishedAt = new Date();
writeFileSync(
  file,
  JSON.stringify(
    {
      profile: profile.name,
      startedAt,
      finishedAt,
      machine: info,
      args,
      results,
      storms,
      failover: failoverResult,
      table: summary,
      targets: verdicts,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${file} (${Math.round((+finishedAt - +startedAt) / 1000)} s)`);
