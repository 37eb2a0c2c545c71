import { loadavg } from 'node:os';
import { ClientPool } from './client-pool';
import { round } from './stats';
import { storm } from './storm';
import { startHerald, startRedis, type Target } from './targets';

export interface FailoverOptions {
  clients: number;
  /** Events/s published (at relay B) before, during and after the failover. */
  rate: number;
  clientProcs: number;
  env: Record<string, string>;
  nodeArgs: string[];
}

/**
 * The failover storm: two relays A and B on the bench's own Redis (one Herald); every client
 * reads at A and is caught up while a publisher posts to B; A is killed with SIGKILL and every
 * client resumes at B with its `since` and `epoch`. The storm's own accounting: time from the
 * kill until all are caught up to the head B named, events lost, duplicates.
 */
export async function failover(o: FailoverOptions) {
  const loadavgAtStart = round(loadavg()[0]!);
  const redis = await startRedis();
  let relays: Target[] = [];
  let pool: ClientPool | undefined;
  try {
    relays = await startHerald(o.env, o.nodeArgs, redis, 2);
    const [a, b] = relays as [Target, Target];
    pool = await ClientPool.for(a, o.clients, o.clientProcs);
    const t0 = performance.now();
    const connected = await pool.connect(o.clients, 120_000);
    const connectSec = round((performance.now() - t0) / 1000);
    if (connected < o.clients) throw new Error(`only ${connected} of ${o.clients} connected`);
    const result = await storm({ target: a, pool, clients: o.clients }, o.clients, o.rate, {
      publishTo: b,
      reconnectTo: b,
      crash: () => a.crash(),
      leadMs: 3000,
    });
    return { loadavgAtStart, rate: o.rate, connectSec, ...result };
  } finally {
    await pool?.stop();
    await relays[0]?.stop();
    await redis.stop();
  }
}
