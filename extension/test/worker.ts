import { createWorker } from '../utils/worker';
import { sockets } from './fake-socket';
import { settle } from './settle';

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
