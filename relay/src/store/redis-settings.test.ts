import { describe, expect, it } from 'vitest';
import { startRedis } from '../../test/harness';
import { redisSettingsWarnings } from './redis-settings';

describe('redisSettingsWarnings', () => {
  it('says nothing for no persistence with noeviction', async () => {
    const redis = await startRedis();
    expect(await redisSettingsWarnings(redis.url)).toEqual([]);
    await redis.stop();
  });

  it('says nothing for AOF with fsync always', async () => {
    const redis = await startRedis({ persist: true });
    expect(await redisSettingsWarnings(redis.url)).toEqual([]);
    await redis.stop();
  });

  it('warns about eviction, fsync everysec and snapshots without AOF', async () => {
    const risky = await startRedis({
      persist: true,
      args: ['--appendfsync', 'everysec', '--maxmemory-policy', 'allkeys-lru'],
    });
    const words = await redisSettingsWarnings(risky.url);
    expect(words).toHaveLength(2);
    expect(words[0]).toMatch(/maxmemory-policy is allkeys-lru/);
    expect(words[1]).toMatch(/appendfsync is everysec/);
    await risky.stop();
    const snapshots = await startRedis({ args: ['--save', '3600 1'] });
    expect(await redisSettingsWarnings(snapshots.url)).toEqual([
      expect.stringMatching(/RDB snapshots .* without AOF/),
    ]);
    await snapshots.stop();
  });
});
