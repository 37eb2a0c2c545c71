// The one way tests, fakes, e2e, the demo and the bench wait for something to become true. It
// imports no test framework: Playwright, plain tsx and vitest all load it. (The extension's unit
// tests keep vitest's `vi.waitFor`: they run without Node's types, against WXT's fake browser,
// and several use fake timers, which `vi.waitFor` advances and a real-time poll would not.)

export interface WaitOptions {
  /** How long to keep trying. Default 5000. */
  timeoutMs?: number;
  /** Pause between tries. Default 10; 0 = the next turn of the event loop (`setImmediate`). */
  intervalMs?: number;
  /**
   * A throw from `check` means "not yet" (the last one ends the timeout's message and is its
   * `cause`), for things that
   * fail until they settle. Default false: a throw rejects at once, so a dead child fails fast.
   */
  retryOnError?: boolean;
  /** Rejects at once with `signal.reason` when aborted (e.g. the awaited child exited). */
  signal?: AbortSignal;
}

/**
 * Calls `check` until it returns anything but `false` (with `retryOnError`, also until it stops
 * throwing) and resolves with that value. "Not yet" is exactly `false`: a check that resolves
 * `undefined` (a void call that succeeded) is done. After `timeoutMs` it rejects with
 * "timed out after <n> ms waiting for <what>".
 */
export function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  options: WaitOptions = {},
): Promise<Exclude<T, false>> {
  const { signal } = options;
  if (!signal) return poll(check, what, options);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    poll(check, what, options)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function poll<T>(
  check: () => T | Promise<T>,
  what: string,
  { timeoutMs = 5000, intervalMs = 10, retryOnError = false, signal }: WaitOptions,
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = undefined;
  let failed = false;
  // An aborted wait has already rejected; stop trying so nothing runs on behind it.
  while (!signal?.aborted) {
    try {
      const value = await check();
      if (value !== false) return value as Exclude<T, false>;
      failed = false;
    } catch (err) {
      if (!retryOnError) throw err;
      [lastError, failed] = [err, true];
    }
    if (Date.now() > deadline) {
      const message = `timed out after ${timeoutMs} ms waiting for ${what}`;
      // The last error is in the message too: not every runner prints a cause.
      if (!failed) throw new Error(message);
      throw new Error(`${message}: ${String(lastError)}`, { cause: lastError });
    }
    await new Promise((resolve) =>
      intervalMs > 0 ? setTimeout(resolve, intervalMs) : setImmediate(resolve),
    );
  }
  throw signal.reason;
}

/**
 * Waits woken by their source instead of a timer: whoever receives (a socket's frames, a child's
 * log lines) calls `wake()`, and every pending check runs again. Checks run at once, too, so
 * what already arrived counts.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  /**
   * Resolves with the first value of `check` other than `false`. Without `timeoutMs` it waits
   * for as long as it takes; with it, it rejects "timed out waiting for <what>", followed by
   * `got()` (what did arrive) when given.
   */
  wait<R>(
    check: () => R | false,
    what: string,
    timeoutMs?: number,
    got?: () => string,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const tryNow = () => {
        const value = check();
        if (value === false) return false;
        this.pending.delete(tryNow);
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(tryNow);
              reject(new Error(`timed out waiting for ${what}${got ? `; ${got()}` : ''}`));
            }, timeoutMs);
      if (!tryNow()) this.pending.add(tryNow);
    });
  }

  wake(): void {
    for (const tryNow of this.pending) tryNow();
  }
}
