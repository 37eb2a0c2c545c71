import { waitFor } from '@herald/testkit/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../test/harness';
import {
  describeEventLog,
  newEvent,
  type OpenedLog,
  type RetentionOptions,
} from './event-log-suite';
import { StoreUnavailableError } from './failure';
import { RedisLog } from './redis-log';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

let n = 0;
async function open(prefix: string, options: RetentionOptions): Promise<OpenedLog> {
  const log = await RedisLog.open({ url: redis.url, prefix, ...options });
  return {
    log,
    close: () => log.close(),
    reopen: async (next) => {
      await log.close();
      return open(prefix, next);
    },
  };
}

// Each test gets a prefix of its own on the test's private redis-server.
describeEventLog('Redis', {
  create: (options) => open(`t${process.pid}-${++n}`, options),
});

describe('Redis log shared by several relays', () => {
  const opts = { maxEvents: 1000, maxAgeSeconds: 3600 };

  it('appends on A reach B through its feed, in one seq order; an id seen on A is a duplicate on B', async () => {
    const prefix = `shared-${process.pid}`;
    const a = await RedisLog.open({ url: redis.url, prefix, ...opts });
    const b = await RedisLog.open({ url: redis.url, prefix, ...opts });
    const seenByB: number[] = [];
    b.subscribe(0, { committed: (events) => seenByB.push(...events.map((e) => e.seq)) });
    const fromA = await a.append([newEvent('x'), newEvent('y')]);
    const fromB = await b.append([newEvent('z'), newEvent('x')]);
    expect(fromA.results.map((r) => r.seq)).toEqual([1, 2]);
    expect(fromB.results).toEqual([
      { id: 'z', seq: 3, duplicate: false },
      { id: 'x', seq: 1, duplicate: true },
    ]);
    await until(() => seenByB.length === 3, 'the three appends fed to B');
    expect(seenByB).toEqual([1, 2, 3]);
    expect((await a.position()).epoch).toBe((await b.position()).epoch);
    await a.close();
    await b.close();
  });
});

describe('Redis outages', () => {
  const opts = { maxEvents: 1000, maxAgeSeconds: 3600, commandTimeoutMs: 500 };

  it('a Redis that stops answering fails appends fast; back with its data, the seq continues', async () => {
    const own = await startRedis();
    const log = await RedisLog.open({ url: own.url, ...opts });
    await log.append([newEvent('before')]);
    const { epoch } = await log.position();
    own.pause();
    const failed = await log.append([newEvent('during')]).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StoreUnavailableError);
    own.resume();
    await waitFor(() => log.append([newEvent('after')]), 'an append after the pause', retrying);
    const position = await log.position();
    expect(position.epoch).toBe(epoch);
    // `during` may or may not have been applied once Redis woke up: the seqs have no hole.
    const ids = (await log.read(0, 10)).map((e) => (JSON.parse(e.json) as { id: string }).id);
    expect(ids[0]).toBe('before');
    expect(ids.at(-1)).toBe('after');
    expect(position.head).toBe(ids.length);
    await log.close();
    await own.stop();
  });

  it('a Redis restarted empty is a new epoch: the feed is reset and seqs start again under it', async () => {
    const own = await startRedis();
    const log = await RedisLog.open({ url: own.url, ...opts });
    const resets: string[] = [];
    const fed: number[] = [];
    log.subscribe(0, {
      committed: (events) => fed.push(...events.map((e) => e.seq)),
      reset: (position) => resets.push(position.epoch),
    });
    await log.append([newEvent('a'), newEvent('b')]);
    const old = (await log.position()).epoch;
    await until(() => fed.length === 2, 'two events fed');
    await own.restartEmpty();
    await waitFor(() => log.append([newEvent('c')]), 'an append to the new Redis', retrying);
    const now = await log.position();
    expect(now.epoch).not.toBe(old);
    expect(now.head).toBe(1);
    expect(resets).toEqual([now.epoch]);
    await until(() => fed.length === 3, 'the new epoch fed');
    expect(fed).toEqual([1, 2, 1]);
    await log.close();
    await own.stop();
  });
});

/** Things that settle over a reconnect: a check that holds, or a call that stops failing. */
const settling = { timeoutMs: 10_000, intervalMs: 20 };
const retrying = { ...settling, retryOnError: true };
const until = (check: () => boolean, what: string) => waitFor(check, what, settling);
