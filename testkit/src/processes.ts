import type { ChildProcess } from 'node:child_process';

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
