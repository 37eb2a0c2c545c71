import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisProcess } from '../../test/harness';
import { describeAccountStore } from './account-store-suite';
import { RedisAccounts } from './redis-accounts';
import { describeActionClaims } from './action-claims-suite';
import { RedisActionClaims } from './action-claims';
import { connectRedis } from './redis-client';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

let n = 0;
describeAccountStore('Redis', () =>
  RedisAccounts.open({ url: redis.url, prefix: `a${process.pid}-${++n}` }),
);

describeActionClaims('Redis', async () => {
  const client = await connectRedis({ url: redis.url });
  return new RedisActionClaims(client, `c${process.pid}-${++n}`);
});
