import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { abortOnExit, stopChild as stopWithin } from '@herald/testkit/processes';
import { waitFor } from '@herald/testkit/wait';

/** How long a server of the bench's gets to exit on SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 5000;

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  await stopWithin(child, STOP_GRACE_MS);
}

/** A port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Whether something on 127.0.0.1:`port` accepts a connection and, given `ask`, answers it as
 * `fits` expects (500 ms at most): a readiness probe.
 */
export function answers(
  port: number,
  ask?: { send: string; fits: (reply: string) => boolean },
): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    if (!ask) sock.once('connect', () => done(true));
    else {
      sock.once('data', (d: Buffer) => done(ask.fits(d.toString())));
      sock.write(ask.send);
    }
  });
}

/**
 * Starts a server binary of the bench's own (never a shared instance) and resolves once `ready()`
 * says so, polled every 50 ms for up to 10 s; rejects if it exits first. Its stderr is the
 * bench's, its stdout ignored; `env` is its whole environment.
 */
export async function spawnDaemon(
  bin: string,
  args: string[],
  ready: () => Promise<boolean>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildProcess> {
  const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const name = bin.split('/').pop();
  const signal = abortOnExit(child, (code) => new Error(`${name} exited with ${code}`));
  try {
    await waitFor(ready, `${name} to be ready`, { timeoutMs: 10_000, intervalMs: 50, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    await stopChild(child);
    throw new Error(`${name} was not ready in 10 s`);
  }
  return child;
}
