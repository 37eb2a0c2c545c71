import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { own, whenTestEnds } from './children';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  url: string;
  port: number;
  /** Stops it by PID (SIGKILL: nothing kept, as with `--save ""`), and waits for the exit. */
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

/** A port nothing listens on right now, for a server that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/**
 * A redis-server of the test's own on a random loopback port, keeping nothing on disk. Tests
 * never touch the machine's shared Redis on 6379.
 */
export async function startRedis(
  options: { persist?: boolean; args?: string[] } = {},
): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-redis-'));
  let child: ChildProcess;
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
          // Persistent: every write fsynced to the AOF before Redis answers (no loss on a crash).
          ...(options.persist
            ? ['--appendonly', 'yes', '--appendfsync', 'always']
            : ['--appendonly', 'no']),
          ...(options.args ?? []),
        ],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      own(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => {
        reject(new Error(`redis-server exited (${code}) before it was ready: ${out}`));
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await launch();
  const redis: RedisProcess = {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restartEmpty: async () => {
      await stop();
      rmSync(join(dir, 'appendonlydir'), { recursive: true, force: true });
      await launch();
    },
    kill: stop,
    start: launch,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
  whenTestEnds(redis.stop);
  return redis;
}
