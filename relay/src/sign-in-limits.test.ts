import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../test/harness';
import { memorySignInLimits, redisSignInLimits, type SignInLimits } from './sign-in-limits';
import { connectRedis, type Redis } from './store/redis-client';

let server: RedisProcess;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = await connectRedis({ url: server.url });
});
afterAll(async () => {
  await redis.close();
  await server.stop();
});

const options = { maxPerUser: 5, maxPerAddress: 20, windowMs: 60_000 };
let n = 0;
const backends: [string, () => SignInLimits][] = [
  ['memory', () => memorySignInLimits(options)],
  ['redis', () => redisSignInLimits(redis, `l${++n}`, options)],
];

describe.each(backends)('sign-in limits (%s)', (_name, create) => {
  it('200 concurrent attempts for one user: exactly 5 reserved, the rest told when to retry', async () => {
    const limits = create();
    const waits = await Promise.all(
      Array.from({ length: 200 }, () => limits.reserve('bob', '10.0.0.1')),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    expect(waits.filter((w) => w > 0 && w <= 60)).toHaveLength(195);
  });

  it('the per-address limit holds across user names; a success gives the attempt back', async () => {
    const limits = create();
    const waits = await Promise.all(
      Array.from({ length: 30 }, (_, i) => limits.reserve(`user-${i}`, '10.0.0.2')),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(20);
    await limits.succeeded('user-0', '10.0.0.2');
    expect(await limits.reserve('user-99', '10.0.0.2')).toBe(0);
    expect(await limits.reserve('user-98', '10.0.0.2')).toBeGreaterThan(0);
  });

  it('a refund gives the attempt back to the user and the address', async () => {
    const limits = create();
    for (let i = 0; i < 5; i++) expect(await limits.reserve('carl', '10.0.0.3')).toBe(0);
    expect(await limits.reserve('carl', '10.0.0.3')).toBeGreaterThan(0);
    await limits.refund('carl', '10.0.0.3');
    expect(await limits.reserve('carl', '10.0.0.3')).toBe(0);
  });
});
