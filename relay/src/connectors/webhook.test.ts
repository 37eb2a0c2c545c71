import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecorder, type Recorder } from '../../test/recorder';
import { HttpError } from '../errors';
import type { Connector } from './types';
import { createWebhookConnector, webhookConfigSchema } from './webhook';
import { signWebhook } from './webhook-signature';

const SECRET = 'hook-secret-xyz';
let server: Server;
let connector: Connector;
let rec: Recorder;
let url: string;

async function setup(mapping: unknown = 'job-runner') {
  process.env.TEST_HOOK_SECRET = SECRET;
  rec = createRecorder();
  const cfg = webhookConfigSchema.parse({
    type: 'webhook',
    name: 'ci',
    secret: { env: 'TEST_HOOK_SECRET' },
    topic: 'ci',
    mapping,
  });
  connector = createWebhookConnector(cfg, rec.ctx);
  connector.start();
  const app = express();
  app.use('/v1/hooks/ci', connector.router!);
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/hooks/ci`;
}

afterEach(async () => {
  await connector?.stop();
  await new Promise((r) => server?.close(r));
});

interface Reply {
  results?: Array<{ id: string; duplicate: boolean }>;
  ignored?: number;
  error?: { code: string; message: string; issues?: string[] };
}

const now = () => Math.floor(Date.now() / 1000);

async function deliver(
  body: unknown,
  opts: { ts?: number; secret?: string; sig?: string | null } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const ts = opts.ts ?? now();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-herald-timestamp': String(ts),
  };
  const sig = opts.sig === undefined ? signWebhook(opts.secret ?? SECRET, ts, raw) : opts.sig;
  if (sig !== null) headers['x-herald-signature'] = sig;
  const res = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: res.status, json: (await res.json()) as Reply };
}

const job = (event: string, extra: object = {}) => ({
  event,
  job_id: 'j-17',
  name: 'nightly backup',
  ...extra,
});

describe('webhook connector', () => {
  it('maps job-runner deliveries: one toast per job, progress ignored, failure sticky', async () => {
    await setup();
    expect((await deliver(job('job.started'))).status).toBe(202);
    const progress = await deliver(job('job.progress', { progress: 0.5 }));
    expect(progress).toMatchObject({ status: 202, json: { results: [], ignored: 1 } });
    const batch = await deliver([
      job('job.completed', { duration_s: 192 }),
      { ...job('job.failed', { error: 'disk full' }), job_id: 'j-18' },
    ]);
    expect(batch.status).toBe(202);
    expect(batch.json.results).toHaveLength(2);

    expect(rec.events.map((e) => [e.kind, e.tag, e.title, e.sticky ?? false])).toEqual([
      ['job.started', 'job:j-17', 'Started: nightly backup', false],
      ['job.completed', 'job:j-17', 'Completed: nightly backup', false],
      ['job.failed', 'job:j-18', 'Failed: nightly backup', true],
    ]);
    expect(rec.events[1]!.body).toBe('after 3m 12s');
    expect(rec.events[2]!.body).toBe('disk full');
    expect(connector.status()).toMatchObject({ events: 3, skipped: 0, connected: true });
  });

  it('rejects a replayed delivery, and dedupes the same event re-signed later', async () => {
    await setup();
    const raw = JSON.stringify(job('job.started'));
    const ts = now();
    const sig = signWebhook(SECRET, ts, raw);
    expect((await deliver(raw, { ts, sig })).status).toBe(202);
    const replay = await deliver(raw, { ts, sig });
    expect(replay).toMatchObject({ status: 409, json: { error: { code: 'replayed' } } });
    const resent = await deliver(raw, { ts: ts + 1 });
    expect(resent.status).toBe(202);
    expect(resent.json.results?.[0]?.duplicate).toBe(true);
    expect(rec.events).toHaveLength(1);
  });

  it('rejects a bad or missing signature with 401 invalid_signature and publishes nothing', async () => {
    await setup();
    const wrong = await deliver(job('job.started'), { secret: 'not-the-secret' });
    expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'invalid_signature' } } });
    expect((await deliver(job('job.started'), { sig: null })).json.error?.code).toBe(
      'invalid_signature',
    );
    expect((await deliver(job('job.started'), { sig: 'sha256=zz' })).json.error?.code).toBe(
      'invalid_signature',
    );
    // The signature covers the body: the same signature on different bytes fails.
    const ts = now();
    const sig = signWebhook(SECRET, ts, JSON.stringify(job('job.started')));
    expect((await deliver(job('job.failed'), { ts, sig })).status).toBe(401);
    expect(rec.events).toHaveLength(0);
    expect(connector.status().skipped).toBe(4);
    expect(rec.logs.join('\n')).not.toContain(SECRET);
  });

  it('rejects timestamps more than 5 minutes off, in either direction', async () => {
    await setup();
    expect((await deliver(job('job.started'), { ts: now() - 301 })).json.error?.code).toBe(
      'stale_timestamp',
    );
    expect((await deliver(job('job.started'), { ts: now() + 301 })).json.error?.code).toBe(
      'stale_timestamp',
    );
    expect((await deliver(job('job.started'), { ts: now() - 250 })).status).toBe(202);
    expect(rec.events).toHaveLength(1);
  });

  it('refuses bodies that are not JSON, do not fit the mapping, or are too large, all or nothing', async () => {
    await setup();
    expect((await deliver('{not json')).json.error?.code).toBe('invalid_json');
    const partial = await deliver([job('job.started'), { event: 'job.started' }]);
    expect(partial).toMatchObject({ status: 400, json: { error: { code: 'invalid_event' } } });
    expect(partial.json.error?.issues?.[0]).toMatch(/^item 1: job_id/);
    expect((await deliver(job('job.started', { pad: 'x'.repeat(1024 * 1024) }))).status).toBe(413);
    expect(rec.events).toHaveLength(0);
  });

  it('maps a generic payload by field paths', async () => {
    await setup({
      type: 'generic',
      fields: {
        id: 'delivery',
        title: 'alert.summary',
        body: 'alert.detail',
        url: 'alert.link',
        tag: 'alert.key',
      },
      defaults: { kind: 'alert.fired', sticky: true },
    });
    const res = await deliver({
      delivery: 'd-1',
      alert: {
        summary: 'Disk 91% on db-2',
        detail: 'grows 2%/h',
        link: 'https://grafana.example/d/1',
        key: 'disk:db-2',
      },
    });
    expect(res.status).toBe(202);
    expect(rec.events[0]).toMatchObject({
      id: 'hook-ci-d-1',
      topic: 'ci',
      kind: 'alert.fired',
      tag: 'disk:db-2',
      title: 'Disk 91% on db-2',
      body: 'grows 2%/h',
      url: 'https://grafana.example/d/1',
      sticky: true,
    });
    expect((await deliver({ delivery: 'd-2' })).json.error?.code).toBe('invalid_event');
  });

  it('answers a refused publish with its own status and code, not 500 "retry later"', async () => {
    await setup();
    const publish = rec.ctx.publish;
    rec.ctx.publish = async () => {
      throw new HttpError('event_too_large', 'event is 70000 bytes as an envelope');
    };
    const tooLarge = await deliver(job('job.started'));
    expect(tooLarge).toMatchObject({ status: 413, json: { error: { code: 'event_too_large' } } });
    rec.ctx.publish = async () => {
      throw new HttpError('store_unavailable', 'the event log cannot take writes; retry later', {
        retryAfterSeconds: 5,
      });
    };
    const raw = JSON.stringify(job('job.started'));
    const ts = now();
    const sig = signWebhook(SECRET, ts, raw);
    const down = await deliver(raw, { ts, sig });
    expect(down).toMatchObject({ status: 503, json: { error: { code: 'store_unavailable' } } });
    // Not stored, so not remembered: the same delivery goes through once the store is back.
    rec.ctx.publish = publish;
    expect((await deliver(raw, { ts, sig })).status).toBe(202);
    expect(rec.events).toHaveLength(1);
  });

  it('refuses deliveries once stopped', async () => {
    await setup();
    await connector.stop();
    expect((await deliver(job('job.started'))).json.error?.code).toBe('shutting_down');
  });
});
