import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDashboard, type FakeDashboard } from '@herald/testkit/upstreams';
import { waitFor } from '@herald/testkit/wait';
import { createRecorder, type Recorder } from '../../test/recorder';
import { agentsConfigSchema, createAgentsConnector } from './agents';
import type { Connector } from './types';

const TOKEN = 'dashboard-token-abcd';
let dash: FakeDashboard;
let rec: Recorder;
const connectors: Connector[] = [];

function connect(recorder = rec): Connector {
  const cfg = agentsConfigSchema.parse({
    type: 'agents',
    name: 'dash',
    url: dash.url,
    token: { env: 'TEST_DASH_TOKEN' },
    reconnect: { initialMs: 20, maxMs: 100, authRetryMs: 50 },
  });
  const connector = createAgentsConnector(cfg, recorder.ctx);
  connectors.push(connector);
  connector.start();
  return connector;
}

async function setup(opts: { token?: string } = {}) {
  process.env.TEST_DASH_TOKEN = TOKEN;
  dash = await startFakeDashboard({ token: opts.token ?? TOKEN, pingMs: 0 });
  rec = createRecorder();
  return connect();
}

const approval = (id: number) => ({
  kind: 'approval_added',
  id,
  agent: 'beta',
  approval_kind: 'apply_commit',
  sha_short: `abc${id}`,
  description: `Change ${id}`,
});

afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.stop()));
  await dash?.close();
});

describe('agents connector', () => {
  it('maps the fixture: drops the replayed seq 5, keeps the restarted seq 1, skips the malformed frame', async () => {
    const connector = await setup();
    await dash.waitForConnections(1);
    dash.pushFixture();
    await rec.waitForEvents(11);
    await waitFor(() => connector.status().skipped === 1, 'one skipped frame');
    expect(rec.duplicates).toBe(0);

    const byKind = (k: string) => rec.events.filter((e) => e.kind === k);
    expect(byKind('agent.lifecycle')).toHaveLength(2);
    expect(byKind('agent.message')).toHaveLength(2);
    expect(byKind('agent.approval_added')).toHaveLength(2);
    expect(byKind('agent.approval_resolved')).toHaveLength(2);
    expect(byKind('agent.question_added')).toHaveLength(2);
    expect(byKind('agent.question_resolved')).toHaveLength(1);

    expect(byKind('agent.approval_added')[0]).toMatchObject({
      tag: 'approval:41',
      topic: 'agents/beta',
      title: 'Approval needed: Fix off-by-one in pager',
      sticky: true,
      source: 'agents',
    });
    expect(byKind('agent.approval_resolved')[0]).toMatchObject({
      tag: 'approval:41',
      resolves: true,
      sticky: false,
      title: 'Approved: Fix off-by-one in pager',
    });
    expect(byKind('agent.approval_resolved')[1]!.body).toContain('denied');
    expect(byKind('agent.question_resolved')[0]).toMatchObject({
      tag: 'question:7',
      resolves: true,
      topic: 'agents/alpha',
      title: 'Answered: Deploy to staging now or wait for the nightly?',
    });
    expect(byKind('agent.question_resolved')[0]!.body).toContain('nightly');
    expect(rec.events.at(-1)).toMatchObject({
      kind: 'agent.question_added',
      tag: 'question:8',
      topic: 'agents/delta',
      sticky: true,
      title: 'delta asks: Which branch?',
    });
  });

  it('drops the history a dashboard replays on reconnect, then carries on', async () => {
    await setup();
    await dash.waitForConnections(1);
    for (const id of [1, 2, 3]) dash.emit(approval(id));
    await rec.waitForEvents(3);
    dash.dropConnections();
    await waitFor(() => dash.accepted === 2 && dash.connections === 1, 'reconnect');
    dash.emit(approval(4));
    await rec.waitForEvents(4);
    expect(rec.events.map((e) => e.tag)).toEqual([
      'approval:1',
      'approval:2',
      'approval:3',
      'approval:4',
    ]);
    // Replayed frames never even reached the log: the seq filter dropped them.
    expect(rec.duplicates).toBe(0);
  });

  it('notices a restarted dashboard (seq back to 1) and keeps its events', async () => {
    const connector = await setup();
    await dash.waitForConnections(1);
    for (const id of [1, 2, 3]) dash.emit(approval(id));
    await rec.waitForEvents(3);
    await dash.restart();
    await dash.waitForConnections(1);
    dash.emit(approval(10));
    dash.emit(approval(11));
    await rec.waitForEvents(5);
    expect(rec.events.map((e) => e.tag)).toEqual([
      'approval:1',
      'approval:2',
      'approval:3',
      'approval:10',
      'approval:11',
    ]);
    expect(new Set(rec.events.map((e) => e.id)).size).toBe(5);
    expect(connector.status().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('derives ids from content, so a relay that restarted and forgot everything publishes no duplicates', async () => {
    await setup();
    await dash.waitForConnections(1);
    for (const id of [1, 2, 3]) dash.emit(approval(id));
    await rec.waitForEvents(3);
    connect(rec); // a second instance with empty memory, as after a relay restart
    await waitFor(() => rec.duplicates === 3, 'the replayed history to come back as duplicates');
    expect(rec.events).toHaveLength(3);
  });

  it('retries a rejected token slowly and recovers once the dashboard accepts it', async () => {
    const connector = await setup({ token: 'another-token' });
    await waitFor(() => dash.unauthorized >= 2, 'two 401s');
    expect(connector.status()).toMatchObject({ connected: false, lastError: 'HTTP 401' });
    dash.setToken(TOKEN);
    await dash.waitForConnections(1);
    dash.emit(approval(1));
    await rec.waitForEvents(1);
    expect(rec.logs.join('\n')).not.toContain(TOKEN);
  });

  it('skips malformed frames and unknown shapes without stalling; passes unknown kinds through', async () => {
    const connector = await setup();
    await dash.waitForConnections(1);
    dash.emitRaw('data: not json\n\n');
    dash.emitRaw('data: {"seq": 3}\n\n');
    dash.emit({ kind: 'approval_added' });
    dash.emit({ kind: 'agent_renamed', name: 'alpha', new_name: 'omega' });
    dash.emit(approval(5));
    await rec.waitForEvents(2);
    await waitFor(() => connector.status().skipped === 3, '3 skipped frames');
    expect(rec.events[0]).toMatchObject({ kind: 'agent.agent_renamed', topic: 'agents/alpha' });
    expect(rec.events[1]).toMatchObject({ tag: 'approval:5' });
  });

  it('assembles a frame trickled byte by byte and drops one cut by a disconnect', async () => {
    const connector = await setup();
    await dash.waitForConnections(1);
    dash.emitRaw('data: {"kind": "approval_added", "seq": 50, "id"');
    dash.dropConnections();
    await waitFor(() => dash.accepted === 2 && dash.connections === 1, 'reconnect');
    const bytes = Buffer.from(
      `data: ${JSON.stringify({ ...approval(7), seq: 1, description: 'Ünïcödé 🐛' })}\n\n`,
    );
    for (const byte of bytes) {
      dash.emitRaw(Uint8Array.of(byte));
      await new Promise((r) => setTimeout(r, 1));
    }
    await rec.waitForEvents(1);
    expect(rec.events[0]!.title).toBe('Approval needed: Ünïcödé 🐛');
    expect(rec.events).toHaveLength(1);
    expect(connector.status().skipped).toBe(0);
  });
});
