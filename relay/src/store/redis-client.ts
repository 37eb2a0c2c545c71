import { createClient, type RedisClientType } from '@redis/client';
import { StoreUnavailableError } from './failure';

/** A Redis connection whose every command is bounded in time and fails as a store failure. */
export interface Redis {
  client: RedisClientType;
  /** One command; rejects with StoreUnavailableError if Redis is unreachable or slow. */
  run<T>(args: string[], timeoutMs?: number): Promise<T>;
  /** `EVAL` of a script over these keys and arguments. */
  script<T>(lua: string, keys: string[], args: string[]): Promise<T>;
  /** Another connection to the same Redis (a blocking XREAD, a pub/sub subscriber). */
  duplicate(): Promise<Redis>;
  close(): Promise<void>;
}

export interface RedisOptions {
  url: string;
  /** A command not answered by then fails (publish answers 503, never hangs). */
  commandTimeoutMs?: number;
  /** node-redis reports every failed reconnect here (unhandled, it would end the process). */
  onError?: (err: Error) => void;
}

/**
 * The wait before retry `n` (from 0) after Redis failed: a reconnect, or a tailer's XREAD.
 * 100 ms, doubling, at most 2 s.
 */
export const retryDelayMs = (n: number): number => Math.min(100 * 2 ** n, 2000);

/** How long a tailer's XREAD blocks before asking again. */
export const TAIL_BLOCK_MS = 1000;

function wrap(client: RedisClientType, options: RedisOptions): Redis {
  const timeout = options.commandTimeoutMs ?? 5000;
  const run = async <T>(args: string[], ms = timeout): Promise<T> => {
    // node-redis's own `timeout` stops counting once a command is written, so a Redis that
    // hangs (or a link that black-holes) would hold it forever: race it. A late answer is
    // dropped; an append that lands late is still idempotent for the producer's retry.
    const sent = client.sendCommand(args);
    sent.catch(() => {}); // if the timer wins, this failure has no one left to tell
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`Redis did not answer within ${ms} ms`)),
        ms,
      );
    });
    try {
      return (await Promise.race([sent, late])) as T;
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      // A script or command error is a bug of ours, not an outage: let it say so.
      if (err instanceof Error && /^(NOSCRIPT|ERR|WRONGTYPE)/.test(err.message)) throw err;
      throw new StoreUnavailableError(`Redis: ${(err as Error).message}`, err);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    client,
    run,
    script: (lua, keys, args) => run(['EVAL', lua, String(keys.length), ...keys, ...args]),
    duplicate: () => connect(client.duplicate() as RedisClientType, options),
    close: async () => {
      await client.close().catch(() => client.destroy());
    },
  };
}

async function connect(client: RedisClientType, options: RedisOptions): Promise<Redis> {
  client.on('error', (err: Error) => options.onError?.(err));
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw new StoreUnavailableError(`cannot reach Redis: ${(err as Error).message}`, err);
  }
  return wrap(client, options);
}

/** Connects, or throws StoreUnavailableError. `redis://` or `rediss://`, password in the URL. */
export function connectRedis(options: RedisOptions): Promise<Redis> {
  const client = createClient({
    url: options.url,
    RESP: 2,
    // A command issued while disconnected fails at once instead of waiting to be replayed.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: retryDelayMs,
    },
  }) as unknown as RedisClientType;
  return connect(client, options);
}
