import { onTestFinished } from 'vitest';

// Owning a child (killed if the worker ends first) is framework-free and lives in the testkit;
// killing it when the test that started it ends is vitest's part, here.
export { own } from '@herald/testkit/processes';

/** Calls `stop` when the current test ends; outside a test, does nothing. */
export function whenTestEnds(stop: () => unknown): void {
  try {
    onTestFinished(async () => void (await stop()));
  } catch {
    // Not inside a test: the suite's afterAll, or own()'s exit handlers, take care of it.
  }
}
