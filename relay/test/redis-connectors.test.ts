import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeraldEvent } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalAdded,
  newTicket,
  ticketMove,
  startFakeDashboard,
  type FakeDashboard,
  writeConnectorConfig,
  startFakeTracker,
  type FakeTracker,
} from '@herald/testkit/upstreams';
import { startRelay, startRedis, type RelayProcess, type RedisProcess } from './harness';

// Every relay stays connected to every upstream; ids derived from upstream content make the
// log keep one copy. Neither upstream replays (docs: connectors), so a standby that connected
// only after a failover would miss what was said in between: with every relay listening, none
// is missed while at least one is up.

let redis: RedisProcess;
let tracker: FakeTracker;
let dash: FakeDashboard;
const relays: RelayProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  tracker = await startFakeTracker({ token: 'up-token', heartbeatMs: 0 });
  dash = await startFakeDashboard({ token: 'up-token', pingMs: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'herald-redis-connectors-'));
  const reconnect = { initialMs: 50, maxMs: 200, authRetryMs: 200 };
  const configFile = writeConnectorConfig(dir, { tracker, dashboard: dash }, 'UP', reconnect);
  const env = { HERALD_REDIS_URL: redis.url, HERALD_CONFIG: configFile, UP: 'up-token' };
  relays.push(await startRelay({ env }), await startRelay({ env }));
  await relays[0]!.addUser('ops', 'ops-password', ['**']);
  await tracker.waitForConnections(2, 10_000);
  await dash.waitForConnections(2, 10_000);
}, 30_000);

afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await Promise.all([tracker.close(), dash.close()]);
  await redis.stop();
});

/** Every event in the log, read through the surviving relay's history. */
async function history(relay: RelayProcess, token: string): Promise<HeraldEvent[]> {
  const all: HeraldEvent[] = [];
  let since = 0;
  for (;;) {
    const res = await fetch(`${relay.url}/v1/events?since=${since}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { events: HeraldEvent[]; next: number; head: number };
    all.push(...body.events);
    if (body.next >= body.head) return all;
    since = body.next;
  }
}

describe('connectors on two relays', () => {
  it.each([0, 1])(
    'each upstream event is one Herald event; kill -9 of relay %i while the upstreams emit loses none',
    async (victim) => {
      const survivor = relays[1 - victim]!;
      const tags: string[] = [];
      const emit = (i: number) => {
        const ticket = newTicket(`ticket ${victim}-${i}`);
        tracker.push(ticketMove(ticket, 'proposed_resolution'));
        tags.push(`ticket:${ticket.id}`);
        const id = `appr-${victim}-${i}`;
        dash.emit(approvalAdded(id, `sha${i}`));
        tags.push(`approval:${id}`);
      };
      for (let i = 0; i < 20; i++) emit(i);
      await relays[victim]!.kill9();
      for (let i = 20; i < 40; i++) emit(i);
      const token = await survivor.login('ops', 'ops-password');
      let mine: HeraldEvent[] = [];
      for (let tries = 0; tries < 100; tries++) {
        mine = (await history(survivor, token)).filter((e) => tags.includes(e.tag));
        if (mine.length >= tags.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(mine.map((e) => e.tag).sort()).toEqual([...tags].sort());
      // Back for the next round: both relays connected to both upstreams again.
      await relays[victim]!.restart();
      await tracker.waitForConnections(2, 10_000);
      await dash.waitForConnections(2, 10_000);
    },
  );
});
