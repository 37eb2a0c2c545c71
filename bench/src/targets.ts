import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishEvent } from '@herald/shared';
import { startRedisProcess, type RedisProcess } from '@herald/testkit/redis-server';
import { RELAY_BIN, relayCli, startRelayProcess, type RelayProcess } from '@herald/testkit/relay';
import { STOP_GRACE_MS, stopChild } from './daemon';
import type { ClientProtocol } from './ipc';

export type TargetName =
  | 'herald'
  | 'herald-redis'
  | 'naive-ws'
  | 'socket.io'
  | 'floor'
  | 'mosquitto'
  | 'nats';
/** The peers written for the bench in Node (servers/), fed by HTTP POST like Herald. */
export type PeerName = 'naive-ws' | 'socket.io' | 'floor';

/** A server under test, running as its own process. */
export interface Target {
  name: TargetName;
  protocol: ClientProtocol;
  pid: number;
  wsUrl: string;
  publishUrl: string;
  publishToken?: string;
  userToken?: string;
  /** A process the server relies on, whose CPU counts too (herald-redis: its redis-server). */
  auxPid?: number;
  /** How events reach it when not by HTTP POST to `publishUrl` (the brokers' own protocols). */
  publish?: (events: PublishEvent[]) => Promise<void>;
  /** The server's own version, when it is not this repository's code (the brokers). */
  version?: string;
  /**
   * Its socket writes are `sendto`/`sendmsg`, which /proc/<pid>/io's `syscw` does not count
   * (Mosquitto's WebSocket listener): no deliveries-per-write figure then.
   */
  writesUncounted?: boolean;
  stop(): Promise<void>;
  /** `kill -9`: no shutdown at all (the failover storm). */
  crash(): void;
}

const PEERS: Record<PeerName, string> = {
  'naive-ws': 'naive-ws.ts',
  'socket.io': 'socketio.ts',
  floor: 'floor.ts',
};

export async function startPeer(
  name: PeerName,
  sioOfficial: boolean,
  nodeArgs: string[] = [],
): Promise<Target> {
  const child = fork(new URL(`./servers/${PEERS[name]}`, import.meta.url), [], {
    execArgv: ['--import', 'tsx', ...nodeArgs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  const protocol: ClientProtocol =
    name === 'socket.io' ? (sioOfficial ? 'sio-official' : 'sio') : 'ws';
  return {
    name,
    protocol,
    pid: child.pid ?? 0,
    wsUrl: `ws://127.0.0.1:${port}`,
    publishUrl: `http://127.0.0.1:${port}/publish`,
    stop: () => stopChild(child),
    crash: () => child.kill('SIGKILL'),
  };
}

const CLI = process.env.HERALD_BENCH_CLI ?? RELAY_BIN;

/** A redis-server of the bench's own: never the shared one on 6379. */
export type RedisServer = RedisProcess;

/**
 * Starts `redis-server` (or HERALD_BENCH_REDIS) on a free port, no persistence, in a temp dir;
 * ready once it answers PING, stopped by its PID (SIGTERM, SIGKILL after 5 s).
 */
export function startRedis(): Promise<RedisServer> {
  return startRedisProcess({
    bin: process.env.HERALD_BENCH_REDIS ?? '/usr/bin/redis-server',
    // With the defaults' `--save "" --appendonly no`, both settings the relay checks at
    // start-up: no persistence, and never evict.
    args: ['--maxmemory-policy', 'noeviction'],
    stopGraceMs: STOP_GRACE_MS,
    stderr: 'inherit',
    // The bench's own Ctrl-C reaches it as it always did (a signal to the group).
    own: false,
  });
}

/** One Herald: its environment (extras, Redis), the password of user `bench` and a publisher token. */
interface HeraldSetup {
  env: Record<string, string>;
  password: string;
  publishToken: string;
  dataDir: string;
}

/**
 * A Herald's accounts: one user allowed every topic, one publisher; its log in a temp data dir
 * (SQLite) or, with `redis`, in that Redis under a prefix of its own (every CLI command gets it).
 */
async function setupHerald(
  extraEnv: Record<string, string>,
  redis?: RedisServer,
): Promise<HeraldSetup> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  // The launcher drops an inherited HERALD_REDIS_URL: only the bench's own Redis is used.
  const env: Record<string, string> = { ...extraEnv };
  if (redis) {
    env.HERALD_REDIS_URL = redis.url;
    env.HERALD_REDIS_PREFIX = 'bench-' + Math.random().toString(36).slice(2, 8);
  }
  const cli = (args: string[], input?: string) => relayCli({ bin: CLI, dataDir, env }, args, input);
  const password = 'bench-password-' + Math.random().toString(36).slice(2);
  await cli(['user', 'add', 'bench', '--topics', '**', '--password-stdin'], password + '\n');
  const out = (await cli(['publisher', 'add', 'benchpub', '--topics', '**'])).trim().split('\n');
  return { env, password, publishToken: out[out.length - 1]!.trim(), dataDir };
}

/** `herald-relay serve` on a free port; resolves once it logs "listening". */
function serveRelay(setup: HeraldSetup, nodeArgs: string[]): Promise<RelayProcess> {
  return startRelayProcess({
    bin: CLI,
    env: setup.env,
    dataDir: setup.dataDir,
    nodeArgs,
    // Each relay its own working dir (a --cpu-prof without a dir lands there).
    cwd: mkdtempSync(join(setup.dataDir, 'relay-')),
    keepLogs: false,
    stderr: 'inherit',
    readyTimeoutMs: 15_000,
    stopGraceMs: STOP_GRACE_MS,
    // The bench's own Ctrl-C reaches its relays as it always did (a signal to the group).
    own: false,
  });
}

/**
 * The real relay: built CLI, one user allowed every topic, one publisher; the log in SQLite
 * (temp data dir) or, with `redis`, in that Redis. `extraEnv` carries bench settings (e.g.
 * rate-limit knobs) and `nodeArgs` e.g. --cpu-prof. `relays` > 1 starts that many relays on the
 * same Redis (one Herald); the user token is minted at the first and good at all.
 */
export async function startHerald(
  extraEnv: Record<string, string>,
  nodeArgs: string[] = [],
  redis?: RedisServer,
  relays = 1,
): Promise<Target[]> {
  if (relays > 1 && !redis) throw new Error('several relays need Redis');
  const setup = await setupHerald(extraEnv, redis);
  const started: RelayProcess[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((r) => r.stop()));
    rmSync(setup.dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < relays; i++) started.push(await serveRelay(setup, nodeArgs));
    const userToken = await started[0]!.login('bench', setup.password);
    if (!userToken) throw new Error('login gave no token');
    return started.map((relay) => ({
      name: redis ? 'herald-redis' : 'herald',
      protocol: 'herald',
      pid: relay.pid,
      wsUrl: `ws://127.0.0.1:${relay.port}/v1/ws`,
      publishUrl: `http://127.0.0.1:${relay.port}/v1/events`,
      publishToken: setup.publishToken,
      userToken,
      auxPid: redis?.pid,
      // Stops every relay of this Herald and removes its data dir (the Redis is the caller's).
      stop: stopAll,
      crash: () => void relay.kill9(),
    }));
  } catch (err) {
    await stopAll();
    throw err;
  }
}
