import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './answers';
import { readFixture } from './fixtures';
import { bearer } from './http-server';
import { StreamingUpstream, type FakeUpstream } from './streaming-upstream';

export interface FakeTrackerOptions {
  token: string;
  /** Heartbeat period; 0 turns them off (a silent upstream). Default 20 s, like the real tracker. */
  heartbeatMs?: number;
  /** Lines written to every new connection right after `connected` (e.g. the fixture). */
  onConnect?: () => string;
}

export interface FakeTracker extends FakeUpstream {
  /** Sends one line to every open stream: an object is JSON-encoded; a string is sent as is. */
  push(line: object | string): void;
  /** Sends raw text or bytes (partial lines, several lines, a trickle) to every open stream. */
  pushRaw(text: string | Uint8Array): void;
  /** Sends the whole `tickets-watch.ndjson` fixture to every open stream. */
  pushFixture(): void;
  /** A ticket's status as the tracker knows it (from the lines pushed and the answers taken). */
  status(ticketId: string): string | undefined;
}

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The ticket tracker's `GET /tickets/watch`, exactly as docs/upstreams.md#ticket-tracker describes it. */
export async function startFakeTracker(opts: FakeTrackerOptions): Promise<FakeTracker> {
  const tracker = new Tracker(opts);
  await tracker.listen();
  return tracker;
}

class Tracker extends StreamingUpstream implements FakeTracker {
  private readonly tickets = new Map<string, { status: string; title?: string }>();

  constructor(private readonly opts: FakeTrackerOptions) {
    const line = () => `${JSON.stringify({ event: 'heartbeat', at: nowIso() })}\n`;
    super(opts.token, { line, everyMs: opts.heartbeatMs ?? 20_000 }, 'tracker');
  }

  push(line: object | string): void {
    if (typeof line === 'object') {
      const m = line as { ticket_id?: unknown; status_after?: unknown; title?: unknown };
      if (typeof m.ticket_id === 'string' && typeof m.status_after === 'string') {
        const title = typeof m.title === 'string' ? m.title : this.tickets.get(m.ticket_id)?.title;
        this.tickets.set(m.ticket_id, { status: m.status_after, title });
      }
    }
    this.open.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
  }

  pushRaw(text: string | Uint8Array): void {
    this.open.write(text);
  }

  pushFixture(): void {
    this.pushRaw(readFixture('tickets-watch.ndjson'));
  }

  status(id: string): string | undefined {
    return this.tickets.get(id)?.status;
  }

  protected route(req: IncomingMessage, res: ServerResponse, path: string): void {
    const resolution = /^\/tickets\/([\w-]+)\/resolution$/.exec(path);
    if (req.method === 'POST' && resolution)
      return void this.resolve(req, res, resolution[1]!, path);
    const page = /^\/tickets\/([\w-]+)$/.exec(path);
    if (req.method === 'GET' && page && page[1] !== 'watch') {
      // The ticket's own page, which a toast click opens (docs/upstreams.md#ticket-tracker).
      const id = page[1]!;
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><title>Ticket ${id}</title><h1>Ticket ${id}</h1>`);
      return;
    }
    if (req.method !== 'GET' || path !== '/tickets/watch') return this.notFound(res);
    if (!this.authorized(req, res)) return;
    this.accept(res, 'application/x-ndjson');
    res.flushHeaders();
    res.write(`${JSON.stringify({ event: 'connected', at: nowIso() })}\n`);
    if (this.opts.onConnect) res.write(this.opts.onConnect());
    this.open.add(res);
  }

  /**
   * `POST /tickets/<id>/resolution` (docs/upstreams.md#answers-the-upstreams-write-side): decide
   * once, then report on the watch.
   */
  private async resolve(req: IncomingMessage, res: ServerResponse, id: string, path: string) {
    if (bearer(req) !== this.token) return sendJson(res, 401, { error: 'unauthorized' });
    const taken = await this.desk.take(req, res, path);
    if (!taken) return;
    const ticket = this.tickets.get(id);
    const decision = taken.body.decision;
    if (!ticket) return sendJson(res, 404, { error: 'no such ticket' });
    if (decision !== 'accept' && decision !== 'reject')
      return sendJson(res, 400, { error: 'decision must be accept or reject' });
    if (ticket.status !== 'proposed_resolution')
      return sendJson(res, 409, { error: 'no resolution is proposed', status: ticket.status });
    taken.record();
    const statusAfter = decision === 'accept' ? 'resolved' : 'in_progress';
    sendJson(res, 200, { ticket_id: id, status_after: statusAfter });
    this.push({
      ticket_id: id,
      title: ticket.title,
      status_before: 'proposed_resolution',
      status_after: statusAfter,
      by: taken.body.by,
      action: decision === 'accept' ? 'accept_resolution' : 'reject_resolution',
      at: nowIso(),
    });
  }
}
