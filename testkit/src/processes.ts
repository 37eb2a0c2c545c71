import type { ChildProcess } from 'node:child_process';

/** Every owned child process that has not exited yet. */
const running = new Set<ChildProcess>();

function killAll() {
  for (const child of running) child.kill('SIGKILL');
}

let watching = false;
/**
 * This process may end by a signal (vitest tears its pools down that way), which skips 'exit'
 * handlers: kill what we own, then end as the signal asked. Installed by the first `own()`, so
 * merely importing this module changes nothing about how a process takes signals.
 */
function watchOwnExit() {
  if (watching) return;
  watching = true;
  process.once('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Owns a child process: whatever of it still runs when this process exits, or is told to by a
 * signal, is killed, so a test run that ends early leaves nothing behind. (The relay tests also
 * kill it when the test that started it ends: relay/test/harness.ts `whenTestEnds`.)
 */
export function own(child: ChildProcess): void {
  watchOwnExit();
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Resolves with the exit code once `child` has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * SIGTERM, and resolves with the exit code once the child has exited. With `graceMs`, a child
 * still running after that long gets SIGKILL; without, it is given all the time it takes (a test
 * that checks a clean shutdown must not have it cut short).
 */
export async function stopChild(child: ChildProcess, graceMs?: number): Promise<number | null> {
  const exit = exitOf(child);
  if (child.exitCode !== null || child.signalCode !== null) return exit;
  const force =
    graceMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
  child.kill('SIGTERM');
  const code = await exit;
  clearTimeout(force);
  return code;
}

/**
 * A signal that aborts once `child` is gone: with `reason(code)` when it exits (at once if it
 * already has), with the error when it could not be spawned. Given to `waitFor`, a wait on a
 * child's readiness fails as soon as the child is gone.
 */
export function abortOnExit(
  child: ChildProcess,
  reason: (code: number | null) => Error,
): AbortSignal {
  const controller = new AbortController();
  const exit = () => controller.abort(reason(child.exitCode));
  if (child.exitCode !== null || child.signalCode !== null) exit();
  else child.once('exit', exit);
  child.once('error', (err) => controller.abort(err));
  return controller.signal;
}
