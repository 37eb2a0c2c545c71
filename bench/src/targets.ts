import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientProtocol } from './ipc';
import { postJson } from './publisher';

export type TargetName = 'herald' | 'naive-ws' | 'socket.io' | 'floor';

/** A server under test, running as its own process. */
export interface Target {
  name: TargetName;
  protocol: ClientProtocol;
  pid: number;
  wsUrl: string;
  publishUrl: string;
  publishToken?: string;
  userToken?: string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PEERS: Record<Exclude<TargetName, 'herald'>, string> = {
  'naive-ws': 'naive-ws.ts',
  'socket.io': 'socketio.ts',
  floor: 'floor.ts',
};

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startPeer(
  name: Exclude<TargetName, 'herald'>,
  sioOfficial: boolean,
): Promise<Target> {
  const child = fork(new URL(`./servers/${PEERS[name]}`, import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
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
  };
}

const CLI = process.env.HERALD_BENCH_CLI ?? join(ROOT, 'relay/bin/herald-relay.js');

function cli(args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`herald-relay ${args[0]} ${args[1]} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * The real relay: built CLI, temp data dir, one user allowed every topic, one publisher.
 * `extraEnv` carries bench settings (e.g. rate-limit knobs) and `nodeArgs` e.g. --cpu-prof.
 */
export async function startHerald(
  extraEnv: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const env = { ...process.env, HERALD_DATA_DIR: dataDir, HERALD_PORT: '0', ...extraEnv };
  const password = 'bench-password-' + Math.random().toString(36).slice(2);
  cli(['user', 'add', 'bench', '--topics', '**', '--password-stdin'], env, password + '\n');
  const out = cli(['publisher', 'add', 'benchpub', '--topics', '**'], env).trim().split('\n');
  const publishToken = out[out.length - 1]!.trim();
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve'], {
    env,
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('herald did not log "listening" in 15 s')), 15_000);
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /"msg":"listening"[^\n]*?"port":(\d+)|"port":(\d+)[^\n]*"msg":"listening"/.exec(
        buf,
      );
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1] ?? m[2]));
      }
      if (buf.length > 1e5) buf = buf.slice(-1e4);
    });
    child.once('exit', (code) => reject(new Error(`herald exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const login = await postJson(`${base}/v1/login`, { username: 'bench', password });
  const userToken = (login.body as { token?: string }).token;
  if (login.status !== 200 || !userToken) throw new Error(`login failed: ${login.status}`);
  return {
    name: 'herald',
    protocol: 'herald',
    pid: child.pid ?? 0,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    publishUrl: `${base}/v1/events`,
    publishToken,
    userToken,
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
