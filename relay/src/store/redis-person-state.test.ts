import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisProcess } from '../../test/harness';
import { describePersonState } from './person-state-suite';
import { connectRedis } from './redis-client';
import { RedisPersonState } from './redis-person-state';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

let n = 0;
describePersonState('Redis', async () => {
  const client = await connectRedis({ url: redis.url });
  const tailer = await client.duplicate();
  const store = new RedisPersonState(client, tailer, `p${process.pid}-${++n}`, 5);
  return Object.assign(store, {
    close: async () => {
      await RedisPersonState.prototype.close.call(store);
      await client.close();
    },
  });
});
