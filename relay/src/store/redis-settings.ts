import { connectRedis } from './redis-client';

/**
 * What in a Redis's settings would break Herald's promises, in words for the start-up log.
 * Two setups keep them: no persistence at all (a restart is a new epoch: readers are told
 * `gap`), or AOF with `appendfsync always` (nothing acknowledged is lost). Managed Redis may
 * refuse CONFIG GET: then nothing can be said, and nothing is.
 */
export async function redisSettingsWarnings(url: string): Promise<string[]> {
  const redis = await connectRedis({ url });
  try {
    const get = async (name: string) => {
      const reply = await redis.run<string[]>(['CONFIG', 'GET', name]);
      return reply[1] ?? '';
    };
    const warnings: string[] = [];
    const policy = await get('maxmemory-policy');
    if (policy && policy !== 'noeviction') {
      warnings.push(
        `redis maxmemory-policy is ${policy}: Redis may evict Herald's events, ids or accounts ` +
          'under memory pressure; set maxmemory-policy noeviction',
      );
    }
    const aof = await get('appendonly');
    const fsync = await get('appendfsync');
    const save = await get('save');
    if (aof === 'yes' && fsync !== 'always') {
      warnings.push(
        `redis appendfsync is ${fsync}: a Redis crash can lose events already acknowledged ` +
          '(202); use appendfsync always, or no persistence (a restart is then a new epoch)',
      );
    }
    if (aof !== 'yes' && save.trim() !== '') {
      warnings.push(
        `redis saves RDB snapshots (save "${save}") without AOF: a restart would bring back an ` +
          'old log under the same epoch, losing acknowledged events and reusing seqs; use ' +
          'appendonly yes with appendfsync always, or no persistence (save "")',
      );
    }
    return warnings;
  } catch {
    return [];
  } finally {
    await redis.close();
  }
}
