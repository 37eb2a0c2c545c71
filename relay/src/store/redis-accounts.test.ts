import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisProcess } from '../../test/redis-server';
import { describeAccountStore } from './account-store-suite';
import { RedisAccounts } from './redis-accounts';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

let n = 0;
describeAccountStore('Redis', () =>
  RedisAccounts.open({ url: redis.url, prefix: `a${process.pid}-${++n}` }),
);
