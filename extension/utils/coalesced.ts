/**
 * `task` one run at a time. A call while it runs asks for one more run after it (something
 * changed meanwhile), not one per call; every caller's promise settles when the runs end.
 */
export function coalesced(task: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await task().catch(() => undefined);
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
}
