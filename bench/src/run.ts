import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { ClientPool } from './client-pool';
import { connectIdle, latency, throughput, type Session } from './scenarios';
import { storm } from './storm';
import { CLIENT_SATURATED, stormTable, table, type Results, type SizeResult } from './report';
import { startHerald, startPeer, type Target, type TargetName } from './targets';
import { checkTargets } from './targets-check';

/**
 * `npm run bench` (quick, ~2 min: 1k clients) or `npm run bench -- --full` (1k and 10k, storm of
 * 5k). Options: --only=herald,floor  --clients=1000,3000  --skip=throughput,latency,storm  --client-procs=2
 * --measure-ms=20000  --sio-official (socket.io-client, not the raw engine.io client)
 * --herald-cpu-prof (profiles land in bench/results/profiles/; summarise with cpuprofile-summary.ts)
 * HERALD_BENCH_CLI=path/to/herald-relay.js benchmarks another build of the relay.
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
const targets = (opt('only')?.split(',') ?? [
  'herald',
  'naive-ws',
  'socket.io',
  'floor',
]) as TargetName[];
const clientProcs = Number(opt('client-procs') ?? 1);
const skip = new Set(opt('skip')?.split(',') ?? []);
// 64 source addresses keep each under Herald's per-address connect burst (200), as real clients
// from many addresses would be, and far from running out of ports.
const LOCAL_ADDRESSES = Array.from({ length: 64 }, (_, i) => `127.0.1.${i + 1}`);

/** Settings that let a benchmark's many clients from one machine past per-address limits. */
const HERALD_ENV: Record<string, string> = {
  HERALD_LOG_LEVEL: process.env.HERALD_LOG_LEVEL ?? 'info',
};

function start(name: TargetName): Promise<Target> {
  if (name !== 'herald') return startPeer(name, opt('sio-official') === 'true');
  const prof = opt('herald-cpu-prof') === 'true';
  const dir = new URL('../results/profiles/', import.meta.url).pathname;
  return startHerald(HERALD_ENV, prof ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);
}

async function runOne(
  name: TargetName,
  clients: number,
): Promise<SizeResult & { storm?: unknown }> {
  const target = await start(name);
  const pool = await ClientPool.start(clientProcs, {
    protocol: target.protocol,
    url: target.wsUrl,
    token: target.userToken,
    localAddresses: LOCAL_ADDRESSES,
    sampleEvery: Math.max(1, Math.round(clients / 100)),
  });
  const s: Session = { target, pool, clients };
  const out: SizeResult & { storm?: unknown } = { loadavgAtStart: loadavg()[0] };
  try {
    out.idle = await connectIdle(s, profile.settleMs);
    log(`  ${name} @${clients}: idle ${JSON.stringify(out.idle)}`);
    if (out.idle.connected < clients) throw new Error(`only ${out.idle.connected} connected`);
    if (!skip.has('throughput')) {
      out.throughput = await throughput(s, profile.warmupMs, profile.measureMs);
      log(`  ${name} @${clients}: throughput ${JSON.stringify(out.throughput)}`);
      if (out.throughput.clientCpuCores > CLIENT_SATURATED) {
        log(
          `  note: a client process used ${out.throughput.clientCpuCores} of a core: client-bound`,
        );
      }
    }
    if (!skip.has('latency')) {
      out.latency = await latency(s, RATE[clients] ?? 20, profile.latencyMs, profile.drainMs);
      log(`  ${name} @${clients}: latency ${JSON.stringify(out.latency)}`);
    }
    // Peers get the same storm as a control for the connection handshake cost (no resume there).
    const storms = name === 'herald' || profile.stormPeers.includes(name);
    if (clients === stormAt.clients && storms && !skip.has('storm')) {
      out.storm = await storm(s, stormAt.drop, STORM_RATE);
      log(`  ${name} @${clients}: storm ${JSON.stringify(out.storm)}`);
    }
  } catch (err) {
    out.error = String(err);
    log(`  ${name} @${clients}: FAILED ${out.error}`);
  } finally {
    await pool.stop();
    await target.stop();
  }
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
    /** Set when another build of the relay was measured (HERALD_BENCH_CLI). */
    relayCli: process.env.HERALD_BENCH_CLI,
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
const stormResult = storms.herald;
const summary = table(results, sizes) + '\n\n' + stormTable(storms);
const verdicts = checkTargets(results, sizes, stormResult);
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
      table: summary,
      targets: verdicts,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${file} (${Math.round((+finishedAt - +startedAt) / 1000)} s)`);
