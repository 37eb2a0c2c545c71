import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KINDS, type HeraldEvent } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../src/connectors/webhook-signature';
import {
  sendJson,
  writeConnectorConfig,
  startFakeDashboard,
  type FakeDashboard,
  startFakeTracker,
  type FakeTracker,
} from '@herald/testkit/upstreams';
import { event, startRelay, startRedis, type RelayProcess, type RedisProcess } from './harness';
import { subscribe, type TestClient } from '@herald/testkit/ws-client';

// Answering from where the person reads (issue 12): `POST /v1/actions` against the real relay
// process, the fake tracker and dashboard taking answers as
// docs/upstreams.md#answers-the-upstreams-write-side says, on SQLite (one relay) and on Redis
// (two relays, answers reaching either).

interface Callback {
  url: string;
  /** Every answer the producer received, with whether its signature checked out. */
  got: { body: Record<string, unknown>; signed: boolean }[];
  key: string;
  close(): Promise<void>;
}

/** A producer's action URL: checks Herald's signature with the hash of its token as the key. */
async function startCallback(): Promise<Callback> {
  const got: Callback['got'] = [];
  const cb: Callback = { url: '', got, key: '', close: async () => undefined };
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const ts = String(req.headers['x-herald-timestamp']);
    const signed = req.headers['x-herald-signature'] === signWebhook(cb.key, ts, raw);
    got.push({ body: JSON.parse(raw) as Record<string, unknown>, signed });
    sendJson(res, signed ? 200 : 401, signed ? { message: 'Retried: nightly' } : {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cb.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/herald`;
  cb.close = () => new Promise((r) => server.close(() => r()));
  return cb;
}

describe.each(['sqlite', 'redis'] as const)('answering events (%s)', (backend) => {
  let redis: RedisProcess | undefined;
  let tracker: FakeTracker;
  let dash: FakeDashboard;
  let callback: Callback;
  const relays: RelayProcess[] = [];
  const tokens: Record<string, string> = {};
  let ci: string;

  beforeAll(async () => {
    redis = backend === 'redis' ? await startRedis() : undefined;
    tracker = await startFakeTracker({ token: 'up-token', heartbeatMs: 0 });
    dash = await startFakeDashboard({ token: 'up-token', pingMs: 0 });
    callback = await startCallback();
    const dir = mkdtempSync(join(tmpdir(), 'herald-actions-'));
    const reconnect = { initialMs: 50, maxMs: 200, authRetryMs: 200 };
    const configFile = writeConnectorConfig(dir, { tracker, dashboard: dash }, 'UP', reconnect);
    const env = {
      HERALD_CONFIG: configFile,
      UP: 'up-token',
      HERALD_ACTION_TIMEOUT_MS: '300',
      HERALD_ACTION_BURST: '30',
      ...(redis && { HERALD_REDIS_URL: redis.url }),
    };
    relays.push(await startRelay({ env }));
    if (redis) relays.push(await startRelay({ env }));
    const [a] = relays as [RelayProcess];
    await a.addUser('lead', 'lead-password', ['**'], ['tickets', 'agents/**', 'jobs/**']);
    await a.addUser('viewer', 'viewer-password', ['**']);
    await a.addUser('outsider', 'outsider-password', ['jobs/**'], ['**']);
    ci = await a.addPublisher('ci', ['jobs/**'], callback.url);
    callback.key = createHash('sha256').update(ci).digest('hex');
    for (const name of ['lead', 'viewer', 'outsider'])
      tokens[name] = await a.login(name, `${name}-password`);
    await tracker.waitForConnections(relays.length, 10_000);
    await dash.waitForConnections(relays.length, 10_000);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await Promise.all([tracker.close(), dash.close(), callback.close()]);
    await redis?.stop();
  });

  const last = () => relays.at(-1)!;
  const act = async (who: string, body: Record<string, unknown>, relay = relays[0]!) => {
    const res = await fetch(`${relay.url}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ requestId: randomUUID(), ...body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const answerOf = (e: HeraldEvent, action: string, extra: Record<string, unknown> = {}) => ({
    seq: e.seq,
    eventId: e.id,
    action,
    ...extra,
  });

  /** Emits an approval on the dashboard; resolves with the event the lead's socket got. */
  async function approval(reader: TestClient, id: string, description: string) {
    dash.emit({
      kind: 'approval_added',
      id,
      agent: 'alpha',
      approval_kind: 'apply_commit',
      description,
    });
    const got = await firstEvent(reader, (e) => e.tag === `approval:${id}` && e.sticky);
    return got;
  }

  it('approve: the dashboard records it with the person, the item is cleared everywhere, audited', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const viewer = (await subscribe(last().url, { token: tokens.viewer })).client;
    const added = await approval(lead, `${backend}-a1`, 'Bump zod to 4.6');
    expect(added.actions?.map((a) => a.id)).toEqual(['approve', 'deny']);
    expect(added.origin).toBe('connector:agents');

    const answered = await act('lead', answerOf(added, 'approve'));
    expect(answered).toMatchObject({
      status: 200,
      body: {
        action: 'approve',
        message: 'Approved: Bump zod to 4.6',
        by: 'lead',
        status: 'approved',
      },
    });
    expect(dash.answers.at(-1)).toMatchObject({
      path: `/api/approvals/${backend}-a1/approve`,
      body: { by: 'lead' },
    });
    // Both readers see the relay's decision first (it resolves the tag), then the upstream's.
    for (const reader of [lead, viewer]) {
      const decided = await firstEvent(reader, (e) => e.kind === KINDS.actionDecided);
      expect(decided).toMatchObject({
        tag: added.tag,
        resolves: true,
        title: 'Approved: Bump zod to 4.6',
      });
      await firstEvent(
        reader,
        (e) => e.kind === KINDS.agentApprovalResolved && e.tag === added.tag,
      );
    }
    const audit = await Promise.any(
      relays.map((r) => r.waitForLog((l) => l.audit === 'action' && l.requestId !== undefined)),
    );
    expect(audit).toMatchObject({ user: 'lead', action: 'approve', outcome: 'done' });
    expect(JSON.stringify(relays.flatMap((r) => r.logs))).not.toContain(tokens.lead);
    lead.ws.close();
    viewer.ws.close();
  });

  it('the same request id twice, even at the other relay, is performed once', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const added = await approval(lead, `${backend}-a2`, 'Spawn beta');
    const attempts = dash.answerAttempts;
    const body = { requestId: randomUUID(), ...answerOf(added, 'deny') };
    const first = await act('lead', body, relays[0]);
    const again = await act('lead', body, last());
    expect(first).toMatchObject({ status: 200, body: { message: 'Denied: Spawn beta' } });
    expect(again).toEqual(first);
    expect(dash.answerAttempts - attempts).toBe(1);
    lead.ws.close();
  });

  it('who may do what: a grant to act, a readable event, a declared action, a fitting value', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const added = await approval(lead, `${backend}-a3`, 'Rebuild gamma');
    const attempts = dash.answerAttempts;
    expect(await act('viewer', answerOf(added, 'approve'))).toMatchObject({
      status: 403,
      body: { error: { code: 'action_forbidden' } },
    });
    // May act anywhere but read only jobs: the approval is not theirs to see, or to answer.
    expect(await act('outsider', answerOf(added, 'approve'))).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    expect(await act('lead', answerOf(added, 'merge'))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_action' } },
    });
    expect(await act('lead', { ...answerOf(added, 'approve'), value: 'yes' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_action' } },
    });
    expect(await act('lead', { ...answerOf(added, 'approve'), eventId: 'other' })).toMatchObject({
      status: 404,
    });
    expect(await act('lead', { seq: added.seq })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    });
    expect(dash.answerAttempts).toBe(attempts);
    lead.ws.close();
  });

  it('reject a proposed resolution: the tracker records it and its watch reports the move', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const ticket = randomUUID();
    tracker.push({
      ticket_id: ticket,
      title: 'Add notifications',
      status_before: 'in_progress',
      status_after: 'proposed_resolution',
      by: 'handler',
      action: 'propose_resolution',
      at: '2026-11-23T10:00:00Z',
    });
    const proposed = await firstEvent(lead, (e) => e.tag === `ticket:${ticket}`);
    expect(proposed.actions?.map((a) => a.title)).toEqual(['Accept', 'Reject']);
    const answered = await act('lead', answerOf(proposed, 'reject'));
    expect(answered).toMatchObject({
      status: 200,
      body: { message: 'Rejected: Add notifications' },
    });
    expect(tracker.answers.at(-1)?.body).toMatchObject({ decision: 'reject', by: 'lead' });
    expect(tracker.status(ticket)).toBe('in_progress');
    const moved = await firstEvent(
      lead,
      (e) => e.tag === `ticket:${ticket}` && e.kind === KINDS.ticketStatusChanged,
    );
    expect(moved.body).toContain('by lead');
    // Decided: a second answer (a new request) is told so, with the status and nothing sent twice.
    expect(await act('lead', answerOf(proposed, 'accept'))).toMatchObject({
      status: 409,
      body: { error: { code: 'already_decided', status: 'in_progress' } },
    });
    lead.ws.close();
  });

  it('a question: an option, several picks, typed text reach the dashboard as its answer', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const ask = (id: string, options: string[], multi: boolean) => {
      dash.emit({
        kind: 'question_added',
        id,
        asker: 'alpha',
        question: `Which one (${id})?`,
        options,
        multi,
        asked_at: 1_700_000_000,
      });
      return firstEvent(lead, (e) => e.tag === `question:${id}` && e.sticky);
    };
    const three = await ask(`${backend}-q1`, ['postgres', 'sqlite', 'redis'], false);
    expect(three.actions?.map((a) => a.id)).toEqual(['option-1', 'option-2', 'option-3', 'answer']);
    expect(await act('lead', answerOf(three, 'option-2'))).toMatchObject({ status: 200 });
    expect(dash.answers.at(-1)?.body).toEqual({ answer: 'sqlite', by: 'lead' });

    const multi = await ask(`${backend}-q2`, ['lint', 'test', 'bench'], true);
    expect(await act('lead', answerOf(multi, 'choose', { value: ['lint', 'nope'] }))).toMatchObject(
      {
        status: 400,
      },
    );
    expect(
      await act('lead', answerOf(multi, 'choose', { value: ['lint', 'bench'] })),
    ).toMatchObject({
      status: 200,
    });
    expect(dash.answers.at(-1)?.body).toEqual({ answer: 'lint, bench', by: 'lead' });

    const open = await ask(`${backend}-q3`, [], false);
    expect(await act('lead', answerOf(open, 'answer', { value: 'ship it' }))).toMatchObject({
      status: 200,
      body: { message: 'Answered “ship it”: Which one (' + `${backend}-q3)?` },
    });
    lead.ws.close();
  });

  it('an upstream that fails or never answers: retried, then 504, and the item stays pending', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    for (const mode of ['error', 'hang'] as const) {
      const added = await approval(lead, `${backend}-down-${mode}`, `Down ${mode}`);
      dash.setAnswerMode(mode);
      const attempts = dash.answerAttempts;
      try {
        expect(await act('lead', answerOf(added, 'approve'))).toMatchObject({
          status: 504,
          body: { error: { code: 'upstream_unavailable' } },
        });
      } finally {
        dash.setAnswerMode('ok');
      }
      expect(dash.answerAttempts - attempts).toBe(3);
      // Still pending upstream: a fresh answer now goes through, and only it clears the item.
      expect(await act('lead', answerOf(added, 'approve'))).toMatchObject({ status: 200 });
      // In log order: a decision from a failed attempt would have come before this one.
      await firstEvent(lead, (e) => e.kind === KINDS.actionDecided && e.tag === added.tag);
      const decided = lead.messages.filter(
        (m) =>
          m.type === 'event' && m.event.kind === KINDS.actionDecided && m.event.tag === added.tag,
      );
      expect(decided).toHaveLength(1);
    }
    lead.ws.close();
  });

  it('an upstream that refuses the relay (its credential): 502, once; a request still running: 409', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const added = await approval(lead, `${backend}-refused`, 'Refused');
    dash.setToken('rotated-upstream-token');
    try {
      expect(await act('lead', answerOf(added, 'approve'))).toMatchObject({
        status: 502,
        body: { error: { code: 'upstream_refused' } },
      });
    } finally {
      dash.setToken('up-token');
    }
    // The same request id while the first is still being tried (the dashboard silent).
    dash.setAnswerMode('hang');
    const body = { requestId: randomUUID(), ...answerOf(added, 'approve') };
    const attempts = dash.answerAttempts;
    try {
      const first = act('lead', body);
      await expect.poll(() => dash.answerAttempts).toBeGreaterThan(attempts);
      expect(await act('lead', body)).toMatchObject({
        status: 409,
        body: { error: { code: 'action_in_progress' } },
      });
      expect((await first).status).toBe(504);
    } finally {
      dash.setAnswerMode('ok');
    }
    lead.ws.close();
  });

  it("a producer's own actions: the answer reaches its URL signed, and its words are shown", async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const job = event({
      id: `${backend}-job-1`,
      topic: 'jobs/ci',
      kind: 'job.failed',
      tag: 'job:nightly',
      title: 'Nightly failed',
      sticky: true,
      actions: [{ id: 'retry', title: 'Retry', input: 'none' }],
    });
    await relays[0]!.publish(ci, job);
    const got = await firstEvent(lead, (e) => e.id === job.id);
    expect(got.origin).toBe('publisher:ci');
    expect(await act('lead', answerOf(got, 'retry'), last())).toMatchObject({
      status: 200,
      body: { message: 'Retried: nightly', by: 'lead' },
    });
    expect(callback.got.at(-1)).toMatchObject({
      signed: true,
      body: {
        action: 'retry',
        by: 'lead',
        event: { id: job.id, seq: got.seq, tag: 'job:nightly' },
      },
    });
    const plain = await relays[0]!.addPublisher(`plain-${backend}`, ['jobs/**']);
    await expect(relays[0]!.publish(plain, { ...job, id: 'x' })).rejects.toThrow(/action URL/);
    lead.ws.close();
  });

  it('answers are rate-limited per person', async () => {
    const lead = (await subscribe(relays[0]!.url, { token: tokens.lead })).client;
    const added = await approval(lead, `${backend}-rl`, 'Rate');
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => act('lead', answerOf(added, 'merge')).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    lead.ws.close();
  });
});

/** The first event on this socket (already received or still to come) that matches. */
const firstEvent = (client: TestClient, match: (e: HeraldEvent) => boolean) =>
  client.until(
    () => {
      for (const m of client.messages) if (m.type === 'event' && match(m.event)) return m.event;
      return false;
    },
    'a matching event',
    10_000,
  );

describe("the relay's own kinds", () => {
  it('a publisher cannot publish herald.* (a forged decision would clear everyone’s toasts)', async () => {
    const relay = await startRelay();
    const pub = await relay.addPublisher('p', ['**']);
    await expect(
      relay.publish(pub, event({ kind: KINDS.actionDecided, resolves: true })),
    ).rejects.toThrow(/400.*herald\./);
    await relay.stop();
  });
});
