import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeTracker, type FakeTracker } from '@herald/testkit/upstreams';
import { waitFor } from '@herald/testkit/wait';
import { createRecorder, type Recorder } from '../../test/recorder';
import { createTicketsConnector, ticketsConfigSchema } from './tickets';
import type { Connector } from './types';

const TOKEN = 'tracker-secret-token-1234';
let tracker: FakeTracker;
let connector: Connector;
let rec: Recorder;

async function setup(opts: { heartbeatMs?: number; idleTimeoutMs?: number; env?: string } = {}) {
  process.env.TEST_TRACKER_TOKEN = opts.env ?? TOKEN;
  tracker = await startFakeTracker({ token: TOKEN, heartbeatMs: opts.heartbeatMs ?? 0 });
  rec = createRecorder();
  const cfg = ticketsConfigSchema.parse({
    type: 'tickets',
    name: 'tracker',
    url: tracker.url,
    token: { env: 'TEST_TRACKER_TOKEN' },
    reconnect: {
      initialMs: 20,
      maxMs: 100,
      authRetryMs: 50,
      idleTimeoutMs: opts.idleTimeoutMs ?? 10_000,
    },
  });
  connector = createTicketsConnector(cfg, rec.ctx);
  connector.start();
}

const line = (ticket: string, status: string, extra: object = {}) => ({
  ticket_id: ticket,
  title: `Ticket ${ticket}`,
  status_before: 'open',
  status_after: status,
  by: 'alice',
  action: 'x',
  at: '2026-04-24T14:00:00Z',
  priority: 'P2',
  ...extra,
});

afterEach(async () => {
  await connector?.stop();
  await tracker?.close();
});

describe('tickets connector', () => {
  it('turns the fixture into one event per transition plus the lagged notice, skipping junk', async () => {
    await setup();
    await tracker.waitForConnections(1);
    tracker.pushFixture();
    await rec.waitForEvents(13);
    await waitFor(() => connector.status().skipped === 3, '3 skipped lines');

    const kinds = rec.events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'ticket.proposed_resolution')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'ticket.status_changed')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'ticket.lagged')).toHaveLength(1);

    const proposal = rec.events[2]!;
    expect(proposal).toMatchObject({
      kind: 'ticket.proposed_resolution',
      title: 'Resolution proposed: Add browser notifications to /tickets page',
      body: 'by handler · P3',
      tag: 'ticket:6513270e-269e-0d37-f2a7-4de452e6b438',
      url: `${tracker.url}/tickets/6513270e-269e-0d37-f2a7-4de452e6b438`,
      sticky: true,
      source: 'tracker',
      topic: 'tickets',
      at: '2026-04-24T13:00:28Z',
    });
    // Moving out of proposed_resolution replaces the sticky toast by tag; it does not silently clear it.
    const rejected = rec.events.find(
      (e) => e.title === 'Rejected: Rotate signing keys for the build farm',
    );
    expect(rejected).toMatchObject({
      kind: 'ticket.status_changed',
      sticky: false,
      resolves: false,
    });
    expect(rec.events.find((e) => e.kind === 'ticket.lagged')).toMatchObject({
      title: '5 ticket updates may have been missed',
      url: `${tracker.url}/tickets`,
    });
    expect(rec.events.some((e) => e.title === 'Triage: Export tickets as CSV')).toBe(true);
    expect(rec.events.at(-1)).toMatchObject({
      title: 'Resolution proposed: ticket 9531985d',
      body: 'by handler',
    });

    const metrics = await rec.registry.getSingleMetricAsString('herald_connector_events_total');
    expect(metrics).toContain(
      'herald_connector_events_total{connector="tracker",type="tickets"} 13',
    );
  });

  it('publishes nothing twice when the same lines are re-read after a reconnect', async () => {
    await setup();
    await tracker.waitForConnections(1);
    tracker.pushFixture();
    await rec.waitForEvents(13);
    tracker.dropConnections();
    await waitFor(() => tracker.accepted === 2 && tracker.connections === 1, 'reconnect');
    tracker.pushFixture();
    tracker.push(line('after', 'in_progress'));
    await rec.waitForEvents(14);
    expect(rec.events).toHaveLength(14);
    expect(rec.duplicates).toBe(13);
    expect(connector.status().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('drops a line cut by a disconnect instead of gluing it to the next connection', async () => {
    await setup();
    await tracker.waitForConnections(1);
    const cut = JSON.stringify(line('cut', 'blocked'));
    tracker.pushRaw(cut.slice(0, 40));
    await new Promise((r) => setImmediate(r));
    tracker.dropConnections();
    await waitFor(() => tracker.accepted === 2 && tracker.connections === 1, 'reconnect');
    tracker.pushRaw(`${cut.slice(40)}\n`);
    tracker.push(line('whole', 'resolved'));
    await rec.waitForEvents(1);
    await tracker.waitForConnections(1);
    tracker.push(line('marker', 'closed'));
    await rec.waitForEvents(2);
    expect(rec.events.map((e) => e.tag)).toEqual(['ticket:whole', 'ticket:marker']);
    // Only the orphaned second half was junk; the cut first half was dropped with its connection.
    expect(connector.status().skipped).toBe(1);
  });

  it('logs a rejected token clearly, never the token, and recovers once it is fixed', async () => {
    await setup({ env: 'wrong-token-5678' });
    await waitFor(() => tracker.unauthorized >= 2, 'two 401s');
    expect(connector.status()).toMatchObject({ connected: false, lastError: 'HTTP 401' });
    process.env.TEST_TRACKER_TOKEN = TOKEN;
    await tracker.waitForConnections(1);
    tracker.push(line('t1', 'in_progress'));
    await rec.waitForEvents(1);
    expect(connector.status()).toMatchObject({ connected: true, lastError: null });
    expect(rec.logs.some((l) => l.includes('rejected the credential'))).toBe(true);
    expect(rec.logs.join('\n')).not.toMatch(/wrong-token-5678|tracker-secret-token-1234/);
  });

  it('surfaces a lagged line whose count is unreadable, and one lost update in the singular', async () => {
    await setup();
    await tracker.waitForConnections(1);
    tracker.push({ event: 'lagged', dropped: 'lots', at: '2026-04-24T13:01:10Z' });
    tracker.push({ event: 'lagged', dropped: 1, at: '2026-04-24T13:01:11Z' });
    await rec.waitForEvents(2);
    expect(rec.events.map((e) => e.title)).toEqual([
      'Some ticket updates may have been missed',
      '1 ticket update may have been missed',
    ]);
  });

  it('counts and skips malformed lines and keeps reading', async () => {
    await setup();
    await tracker.waitForConnections(1);
    for (const bad of [
      'not json',
      '{"ticket_id":',
      '[1,2]',
      '{"status_after":"x","by":"a","action":"b"}',
      '42',
    ]) {
      tracker.push(bad);
    }
    tracker.push(line('ok', 'blocked'));
    await rec.waitForEvents(1);
    await waitFor(() => connector.status().skipped === 5, '5 skipped');
    expect(rec.events).toHaveLength(1);
    expect(tracker.accepted).toBe(1);
  });

  it('assembles a line trickled byte by byte, even inside a multi-byte character', async () => {
    await setup();
    await tracker.waitForConnections(1);
    const bytes = Buffer.from(
      `${JSON.stringify(line('slow', 'blocked', { title: 'Emoji 🐛 bug' }))}\n`,
    );
    for (const byte of bytes) {
      tracker.pushRaw(Uint8Array.of(byte));
      await new Promise((r) => setTimeout(r, 1));
    }
    await rec.waitForEvents(1);
    expect(rec.events[0]!.title).toBe('Blocked: Emoji 🐛 bug');
  });

  it('reconnects when the upstream goes silent past the idle timeout', async () => {
    await setup({ heartbeatMs: 0, idleTimeoutMs: 200 });
    await waitFor(() => tracker.accepted >= 2, 'a reconnect after silence');
    expect(rec.logs.some((l) => l.includes('no data for 200 ms'))).toBe(true);
    await tracker.waitForConnections(1);
    tracker.push(line('x', 'closed'));
    await rec.waitForEvents(1);
  });

  it('follows a restarted tracker', async () => {
    await setup({ heartbeatMs: 50 });
    await tracker.waitForConnections(1);
    tracker.push(line('before', 'in_progress'));
    await rec.waitForEvents(1);
    await tracker.restart();
    await tracker.waitForConnections(1);
    tracker.push(line('after', 'in_progress'));
    await rec.waitForEvents(2);
    expect(connector.status().reconnects).toBeGreaterThanOrEqual(1);
    expect(connector.status().connected).toBe(true);
  });

  it('treats the same transition with its fields in another order as the same event', async () => {
    await setup();
    await tracker.waitForConnections(1);
    const original = line('same', 'blocked');
    const reordered = Object.fromEntries(Object.entries(original).reverse());
    tracker.push(original);
    tracker.push(reordered);
    tracker.push(line('next', 'closed'));
    await rec.waitForEvents(2);
    await waitFor(() => rec.duplicates === 1, 'the reordered line to be a duplicate');
    expect(rec.events.map((e) => e.tag)).toEqual(['ticket:same', 'ticket:next']);
  });

  it('skips a line over 1 MiB without losing the lines around it', async () => {
    await setup();
    await tracker.waitForConnections(1);
    tracker.push(line('before', 'blocked'));
    const huge = JSON.stringify(line('huge', 'blocked', { title: 'x'.repeat(1024 * 1024 + 10) }));
    for (let i = 0; i < huge.length; i += 64 * 1024) tracker.pushRaw(huge.slice(i, i + 64 * 1024));
    tracker.pushRaw('\n');
    tracker.push(huge); // the same, in one piece
    tracker.push(line('after', 'closed'));
    await rec.waitForEvents(2);
    await waitFor(() => connector.status().skipped === 2, 'both huge lines to be skipped');
    expect(rec.events.map((e) => e.tag)).toEqual(['ticket:before', 'ticket:after']);
  });

  it('does not mistake a 200 HTML page (a proxy, a login wall) for the stream', async () => {
    await setup();
    let hits = 0;
    const wall = createServer((_req, res) => {
      hits += 1;
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html>\n<p>please sign in</p>\n</html>\n');
    });
    await new Promise<void>((r) => wall.listen(0, '127.0.0.1', r));
    const other = createTicketsConnector(
      ticketsConfigSchema.parse({
        type: 'tickets',
        name: 'walled',
        url: `http://127.0.0.1:${(wall.address() as AddressInfo).port}`,
        token: { env: 'TEST_TRACKER_TOKEN' },
        reconnect: { initialMs: 20, maxMs: 100 },
      }),
      rec.ctx,
    );
    other.start();
    await waitFor(() => hits >= 2, 'a retry');
    await other.stop();
    await new Promise((r) => wall.close(r));
    expect(other.status()).toMatchObject({
      connected: false,
      skipped: 0,
      lastError: 'unexpected content-type "text/html"',
    });
  });
});
