import { spawn, type ChildProcess } from 'node:child_process';
import { abortOnExit, stopChild as stopWithin } from '@herald/testkit/processes';
import { waitFor } from '@herald/testkit/wait';

/** How long a server of the bench's gets to exit on SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 5000;

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  await stopWithin(child, STOP_GRACE_MS);
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
