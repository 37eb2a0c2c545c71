import { onTestFinished } from 'vitest';
import type { PublishEvent } from '@herald/shared';
import {
  RELAY_BIN,
  relayCli,
  startRelayProcess,
  type RelayProcess,
  type RelayProcessOptions,
} from '@herald/testkit/relay';
import {
  startProxyProcess,
  type ProxyKind,
  type ProxyOptions,
  type ProxyProcess,
} from '@herald/testkit/proxy';
import {
  startRedisProcess,
  type RedisOptions,
  type RedisProcess,
} from '@herald/testkit/redis-server';

// The testkit starts every process and owns it; this file adds vitest's part: whatever a test
// started and did not stop (a failed assertion) is stopped when that test ends.

export type { ProxyKind, ProxyProcess, RedisProcess, RelayProcess };

/** Calls `stop` when the current test ends; outside a test, does nothing. */
function whenTestEnds(stop: () => unknown): void {
  try {
    onTestFinished(async () => void (await stop()));
  } catch {
    // Not inside a test: the suite's afterAll, or own()'s exit handlers, take care of it.
  }
}

/** The built relay's CLI, as `npx herald-relay` runs it. */
export const BIN = RELAY_BIN;

export type StartOptions = Pick<RelayProcessOptions, 'env' | 'dataDir' | 'port'>;

/** Runs the CLI against a data dir, e.g. `user add`; resolves with stdout. */
export function cli(
  dataDir: string,
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<string> {
  return relayCli({ dataDir, env }, args, input);
}

/** Spawns the real, built relay (`herald-relay serve`) on a random port with a temp data dir. */
export async function startRelay(options: StartOptions = {}): Promise<RelayProcess> {
  const relay = await startRelayProcess(options);
  // Started inside a test: killed when it ends if the test did not stop it (a failed assertion).
  whenTestEnds(relay.kill9);
  return relay;
}

/**
 * A redis-server of the test's own on a random loopback port, keeping nothing on disk unless
 * `persist`. Tests never touch the machine's shared Redis on 6379.
 */
export async function startRedis(
  options: Pick<RedisOptions, 'persist' | 'args'> = {},
): Promise<RedisProcess> {
  const redis = await startRedisProcess(options);
  whenTestEnds(redis.stop);
  return redis;
}

/** nginx or HAProxy from deploy/, in front of `opts.relays`, with TLS. */
export async function startProxy(kind: ProxyKind, opts: ProxyOptions): Promise<ProxyProcess> {
  const proxy = await startProxyProcess(kind, opts);
  whenTestEnds(proxy.stop);
  return proxy;
}

let counter = 0;
/** A valid event with a unique id; override what the test cares about. */
export function event(overrides: Partial<PublishEvent> = {}): PublishEvent {
  counter += 1;
  return {
    id: `test-${process.pid}-${counter}`,
    topic: 'tickets',
    kind: 'ticket.status_changed',
    title: `Event ${counter}`,
    ...overrides,
  };
}
