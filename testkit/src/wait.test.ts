import { describe, expect, it } from 'vitest';
import { waitFor, Waiters } from './wait';

describe('waitFor', () => {
  it('resolves with the first value that is not false', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? `n=${n}` : false), 'three tries')).toBe('n=3');
  });

  it('counts undefined (a void call that succeeded) as done: only false is "not yet"', async () => {
    let calls = 0;
    const value = await waitFor(async () => void calls++, 'a void call');
    expect(value).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('times out naming what it waited for and how long', async () => {
    await expect(waitFor(() => false, 'the moon', { timeoutMs: 30 })).rejects.toThrow(
      'timed out after 30 ms waiting for the moon',
    );
  });

  it('rejects at once when check throws, unless told to retry', async () => {
    let calls = 0;
    const boom = () => {
      calls += 1;
      throw new Error('boom');
    };
    await expect(waitFor(boom, 'a throw', { timeoutMs: 1000 })).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });

  it('with retryOnError, retries until the call stops throwing, and resolves with its value', async () => {
    let calls = 0;
    const settling = async () => {
      calls += 1;
      if (calls < 3) throw new Error('not yet up');
      return 'up';
    };
    expect(await waitFor(settling, 'a settle', { retryOnError: true, intervalMs: 1 })).toBe('up');
    expect(calls).toBe(3);
  });

  it('with retryOnError, a timeout names the last error and carries it as its cause', async () => {
    const down = () => Promise.reject(new Error('still down'));
    const err = await waitFor(down, 'a service', { retryOnError: true, timeoutMs: 30 }).catch(
      (e: unknown) => e as Error,
    );
    expect(err.message).toBe('timed out after 30 ms waiting for a service: Error: still down');
    expect((err.cause as Error).message).toBe('still down');
  });

  it('rejects at once with the reason when its signal aborts, and stops trying', async () => {
    const controller = new AbortController();
    let calls = 0;
    const waiting = waitFor(() => (calls++, false), 'never', {
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('the child exited')), 20);
    await expect(waiting).rejects.toThrow('the child exited');
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBeLessThanOrEqual(after + 1);
  });

  it('an already aborted signal rejects without calling check', async () => {
    let calls = 0;
    const signal = AbortSignal.abort(new Error('gone'));
    await expect(waitFor(() => (calls++, true), 'x', { signal })).rejects.toThrow('gone');
    expect(calls).toBe(0);
  });

  it('intervalMs 0 retries on the next turn of the event loop', async () => {
    let ready = false;
    setImmediate(() => setImmediate(() => (ready = true)));
    expect(await waitFor(() => ready, 'two turns', { intervalMs: 0, timeoutMs: 100 })).toBe(true);
  });
});

describe('Waiters', () => {
  it('checks at once, then on each wake, and resolves with the value', async () => {
    const waiters = new Waiters();
    const seen: number[] = [1];
    const got = waiters.wait(() => (seen.length >= 3 ? seen.length : false), '3 items', 1000);
    seen.push(2);
    waiters.wake();
    seen.push(3);
    waiters.wake();
    expect(await got).toBe(3);
    expect(await waiters.wait(() => seen.at(0) ?? false, 'the first', 1000)).toBe(1);
  });

  it('times out with what it waited for and what it got', async () => {
    const waiters = new Waiters();
    await expect(
      waiters.wait(
        () => false,
        'a frame',
        20,
        () => 'got []',
      ),
    ).rejects.toThrow('timed out waiting for a frame; got []');
  });

  it('without a timeout, waits for as long as it takes', async () => {
    const waiters = new Waiters();
    let ready = false;
    const got = waiters.wait(() => ready || false, 'the line');
    setTimeout(() => {
      ready = true;
      waiters.wake();
    }, 20);
    expect(await got).toBe(true);
  });
});
