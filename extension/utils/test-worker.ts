import type { User } from '@herald/shared';
import { vi } from 'vitest';
import { sockets } from './test-socket';
import { createWorker } from './worker';

/** The relay's welcome for `user`, on log epoch `e`. */
export const welcome = (head: number, user: User) =>
  ({
    type: 'welcome',
    head,
    epoch: 'e',
    resumed: false,
    gap: false,
    user,
    heartbeat: 20,
  }) as const;

/** A worker on fake sockets whose HTTP calls `fetchFn` answers. */
export function workerWith(
  fetchFn: (url: string | URL | Request, init?: RequestInit) => Promise<Response>,
) {
  const io = sockets();
  const worker = createWorker({
    createSocket: io.create,
    fetchFn: fetchFn as typeof fetch,
    random: () => 0,
  });
  return { worker, io };
}

/** Lets promise chains (storage, the event queue) run without moving the clock. */
export const settle = () => vi.advanceTimersByTimeAsync(0);

/** Signs in through the worker (as `username`) and lets the socket be created. */
export async function signIn(
  worker: ReturnType<typeof createWorker>,
  username = 'a',
): Promise<void> {
  await worker.handleMessage({
    type: 'signIn',
    relayUrl: 'http://r',
    username,
    password: 'b',
  });
  await settle();
}
