import type { ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';

/** Every process a test helper started that has not exited yet. */
const running = new Set<ChildProcess>();

function killAll() {
  for (const child of running) child.kill('SIGKILL');
}

// The worker may end by a signal (vitest tears pools down that way), which skips 'exit'
// handlers: kill what we started, then end as the signal asked.
process.once('exit', killAll);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/**
 * Owns a child process for the test that started it: when that test ends, passed or failed,
 * whatever of it still runs is killed, so a failed assertion before the test's own stop leaves
 * nothing behind. Started outside a test (`beforeAll`), the suite's `afterAll` stops it, and
 * the handlers above catch the rest when the worker ends.
 */
export function own(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Calls `stop` when the current test ends; outside a test, does nothing. */
export function whenTestEnds(stop: () => unknown): void {
  try {
    onTestFinished(async () => void (await stop()));
  } catch {
    // Not inside a test: the suite's afterAll, or the handlers above, take care of it.
  }
}
