// A redis-server of the caller's own on a free loopback port, in a temp dir: the relay tests
// (through relay/test/harness.ts), the e2e suite and the bench all start theirs here. Nothing
// here ever touches the machine's shared Redis on 6379.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, probePort } from './ports';
import { abortOnExit, exitOf, own, stopChild } from './processes';
import { waitFor } from './wait';

export interface RedisProcess {
  url: string;
  port: number;
  /** The running redis-server's PID (a new one after `start()` or `restartEmpty()`). */
  readonly pid: number;
  /**
   * Stops it by PID and waits for the exit (SIGKILL, or SIGTERM with `stopGraceMs`: nothing is
   * kept either way, as with `--save ""`), then removes its dir.
   */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence): a Redis that lost everything. */
  restartEmpty(): Promise<void>;
  /** Stops it (SIGKILL) without starting it again. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory: with `persist`, everything is back. */
  start(): Promise<void>;
  /** SIGSTOP: it holds its data and its sockets but answers nothing (a hung or cut-off Redis). */
  pause(): void;
  /** SIGCONT: back, with everything it had. */
  resume(): void;
}

export interface RedisOptions {
  /** Every write fsynced to the AOF before Redis answers (no loss on a crash). Default: none. */
  persist?: boolean;
  /**
   * More redis-server arguments, after the defaults (the later setting wins), e.g. the bench's
   * `--maxmemory-policy noeviction`.
   */
  args?: string[];
  /** The binary. Default: `redis-server` on the PATH. */
  bin?: string;
  /** `stop()` sends SIGTERM, then SIGKILL after this long. Default: SIGKILL at once. */
  stopGraceMs?: number;
  /** 'pipe' (default) puts it in the error of one that exits before it is ready. */
  stderr?: 'pipe' | 'inherit';
  /** Killed if this process ends first (processes.ts `own`). Default true. */
  own?: boolean;
}

/** How long a redis-server gets to answer PING (a loaded two-core CI is slow to start anything). */
const READY_TIMEOUT_MS = 30_000;

/** Whether the Redis on 127.0.0.1:`port` answers a RESP PING with +PONG (not -LOADING). */
const pong = (port: number) =>
  probePort(port, { send: 'PING\r\n', fits: (reply) => reply.startsWith('+PONG') });

/** Starts redis-server and resolves once it answers PING; rejects if it exits first. */
export async function startRedisProcess(options: RedisOptions = {}): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-redis-'));
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
    ...(options.persist
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no']),
    ...(options.args ?? []),
  ];
  let child!: ChildProcess;
  const kill = async () => {
    child.kill('SIGKILL');
    await exitOf(child);
  };
  const launch = async () => {
    child = spawn(options.bin ?? 'redis-server', args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    });
    if (options.own ?? true) own(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const signal = abortOnExit(
      child,
      (code) => new Error(`redis-server exited (${code}) before it was ready: ${out}`),
    );
    try {
      await waitFor(() => pong(port), `redis-server on ${port} to answer PING`, {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 20,
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      await kill();
      throw new Error(`${(err as Error).message}: ${out}`);
    }
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid ?? 0;
    },
    stop: async () => {
      if (options.stopGraceMs === undefined) await kill();
      else await stopChild(child, options.stopGraceMs);
      rmSync(dir, { recursive: true, force: true });
    },
    restartEmpty: async () => {
      await kill();
      rmSync(join(dir, 'appendonlydir'), { recursive: true, force: true });
      await launch();
    },
    kill,
    start: launch,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}
