import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeraldEvent } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeDashboard,
  type FakeDashboard,
  startFakeRpcDaemon,
  type FakeRpcDaemon,
  startFakeTracker,
  type FakeTracker,
} from '@herald/testkit/upstreams';
import { waitFor } from '@herald/testkit/wait';
import { createRelay, type Relay } from '../relay';
import { signWebhook } from './webhook-signature';

// Every connector wired into the real relay from a config file, read back as a user would.
let dir: string;
let relay: Relay;
let tracker: FakeTracker;
let dash: FakeDashboard;
let rpc: FakeRpcDaemon;
let userToken: string;

const env = {
  THR_TRACKER: 't-token',
  THR_DASH: 'd-token',
  THR_HOOK: 'h-secret',
  THR_RPC: 'r-token',
};
const fast = { initialMs: 20, maxMs: 100, authRetryMs: 50 };

beforeAll(async () => {
  Object.assign(process.env, env);
  dir = mkdtempSync(join(tmpdir(), 'herald-connectors-'));
  tracker = await startFakeTracker({ token: env.THR_TRACKER, heartbeatMs: 0 });
  dash = await startFakeDashboard({ token: env.THR_DASH, pingMs: 0 });
  rpc = await startFakeRpcDaemon({ token: env.THR_RPC });
  const configFile = join(dir, 'herald.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      connectors: [
        {
          type: 'tickets',
          name: 'tracker',
          url: tracker.url,
          token: { env: 'THR_TRACKER' },
          reconnect: fast,
        },
        {
          type: 'agents',
          name: 'dashboard',
          url: dash.url,
          token: { env: 'THR_DASH' },
          reconnect: fast,
        },
        {
          type: 'webhook',
          name: 'ci',
          secret: { env: 'THR_HOOK' },
          topic: 'ci',
          mapping: 'job-runner',
        },
        {
          type: 'jsonrpc',
          name: 'downloads',
          url: rpc.url,
          token: { env: 'THR_RPC' },
          reconnect: fast,
        },
      ],
    }),
  );
  relay = await createRelay({
    port: 0,
    dataDir: join(dir, 'data'),
    configFile,
    logLevel: 'silent',
    // These tests watch the log by polling history every 20 ms while a connector's events land
    // one commit at a time; the history rate limit (tested in hardening.test.ts) is not theirs.
    historyRatePerSecond: 1000,
    historyBurst: 1000,
  });
  await relay.accounts.addUser('ops', 'correct horse battery', ['**']);
  const login = await fetch(`${relay.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ops', password: 'correct horse battery' }),
  });
  userToken = ((await login.json()) as { token: string }).token;
});

afterAll(async () => {
  await relay?.close();
  await Promise.all([tracker?.close(), dash?.close(), rpc?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function history(): Promise<HeraldEvent[]> {
  const out: HeraldEvent[] = [];
  for (let since = 0; ; ) {
    const res = await fetch(`${relay.url}/v1/events?since=${since}&limit=1000`, {
      headers: { authorization: `Bearer ${userToken}` },
    });
    const page = (await res.json()) as { events: HeraldEvent[] };
    out.push(...page.events);
    if (page.events.length === 0) return out;
    since = page.events.at(-1)!.seq;
  }
}

async function eventsOn(prefix: string, n: number): Promise<HeraldEvent[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const events = (await history()).filter(
      (e) => e.topic === prefix || e.topic.startsWith(`${prefix}/`),
    );
    if (events.length >= n || Date.now() > deadline) return events;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('connectors through the real relay', () => {
  it('tickets: the fixture lands once, even when re-read after a reconnect', async () => {
    await tracker.waitForConnections(1);
    tracker.pushFixture();
    expect(await eventsOn('tickets', 13)).toHaveLength(13);
    tracker.dropConnections();
    await waitFor(() => tracker.accepted === 2 && tracker.connections === 1, 'reconnect');
    tracker.pushFixture();
    tracker.push({ ticket_id: 'late', status_after: 'blocked', by: 'bob', action: 'block' });
    const events = await eventsOn('tickets', 14);
    expect(events).toHaveLength(14);
    expect(events.at(-1)).toMatchObject({
      tag: 'ticket:late',
      title: 'Blocked: ticket late',
      sticky: false,
    });
    expect(events.find((e) => e.kind === 'ticket.proposed_resolution')).toMatchObject({
      sticky: true,
      source: 'tracker',
    });
  });

  it('agents: the fixture lands as 11 events, approvals resolved by tag', async () => {
    await dash.waitForConnections(1);
    dash.pushFixture();
    const events = await eventsOn('agents', 11);
    expect(events).toHaveLength(11);
    const approval41 = events.filter((e) => e.tag === 'approval:41');
    expect(approval41.map((e) => [e.kind, e.sticky, e.resolves])).toEqual([
      ['agent.approval_added', true, false],
      ['agent.approval_resolved', false, true],
    ]);
  });

  it('webhook: a signed delivery is accepted at /v1/hooks/ci, its replay refused', async () => {
    const body = JSON.stringify({
      event: 'job.failed',
      job_id: 'j1',
      name: 'deploy',
      error: 'exit 1',
    });
    const ts = Math.floor(Date.now() / 1000);
    const post = () =>
      fetch(`${relay.url}/v1/hooks/ci`, {
        method: 'POST',
        headers: {
          'x-herald-timestamp': String(ts),
          'x-herald-signature': signWebhook(env.THR_HOOK, ts, body),
        },
        body,
      });
    expect((await post()).status).toBe(202);
    const replay = await post();
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'replayed' } });
    const events = await eventsOn('ci', 1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'job.failed',
      title: 'Failed: deploy',
      sticky: true,
      tag: 'job:j1',
    });
  });

  it('jsonrpc: notifications land, progress does not; /healthz and /metrics show every connector', async () => {
    await rpc.waitForConnections(1);
    rpc.notify('download.started', { id: 'x1', name: 'movie.mkv' });
    rpc.notify('download.progress', { id: 'x1', progress: 40 });
    rpc.notify('download.complete', { id: 'x1', name: 'movie.mkv' });
    const events = await eventsOn('downloads', 2);
    expect(events.map((e) => e.kind)).toEqual(['download.started', 'download.complete']);

    const health = (await (await fetch(`${relay.url}/healthz`)).json()) as {
      connectors: Array<Record<string, unknown>>;
    };
    expect(health.connectors.map((c) => [c.name, c.type])).toEqual([
      ['tracker', 'tickets'],
      ['dashboard', 'agents'],
      ['ci', 'webhook'],
      ['downloads', 'jsonrpc'],
    ]);
    expect(health.connectors.find((c) => c.name === 'downloads')).toMatchObject({
      connected: true,
      events: 2,
    });
    expect(health.connectors.find((c) => c.name === 'tracker')).toMatchObject({
      events: 14,
      skipped: 6,
    });
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(
      /herald_connector_events_total\{connector="dashboard",type="agents"\} 11/,
    );
    expect(metrics).toMatch(
      /herald_connector_reconnects_total\{connector="tracker",type="tickets"\} [1-9]/,
    );
  });

  it('a config naming a missing credential stops start-up with a message naming it, not a value', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        connectors: [
          { type: 'tickets', name: 't', url: tracker.url, token: { env: 'THR_UNSET_VAR' } },
        ],
      }),
    );
    await expect(
      createRelay({ port: 0, dataDir: join(dir, 'data2'), configFile: bad, logLevel: 'silent' }),
    ).rejects.toThrow(/connector "t": env THR_UNSET_VAR is empty or not set/);
    writeFileSync(
      bad,
      JSON.stringify({ connectors: [{ type: 'tickets', name: 't', url: 'ftp://x' }] }),
    );
    await expect(
      createRelay({ port: 0, dataDir: join(dir, 'data3'), configFile: bad, logLevel: 'silent' }),
    ).rejects.toThrow(/invalid config file/);
  });
});
