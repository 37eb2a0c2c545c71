import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './answers';
import { readFixture } from './fixtures';
import { bearer } from './http-server';
import { StreamingUpstream, type FakeUpstream } from './streaming-upstream';

export interface FakeDashboardOptions {
  token: string;
  /** `: ping` comment period; 0 turns them off. Default 15 s. */
  pingMs?: number;
  /** Replay the whole history to every new subscriber (a reconnect then sees old seqs again). Default true. */
  replayOnConnect?: boolean;
}

export type DashboardEvent = Record<string, unknown> & { kind: string };

/** `restart()` is a new process: history gone, seq from 1. */
export interface FakeDashboard extends FakeUpstream {
  /** Appends an event with the next seq and sends it to every subscriber; returns its seq. */
  emit(event: DashboardEvent): number;
  /** Sends raw SSE text (partial frames, malformed frames, comments) to every subscriber. */
  emitRaw(text: string | Uint8Array): void;
  /** Sends `agents-events.sse` verbatim to every subscriber. */
  pushFixture(): void;
  readonly seq: number;
}

const frame = (event: object) => `data: ${JSON.stringify(event)}\n\n`;

/**
 * The agent dashboard's `GET /api/events` (SSE) and `GET /api/state`, as
 * docs/upstreams.md#agent-dashboard describes.
 */
export async function startFakeDashboard(opts: FakeDashboardOptions): Promise<FakeDashboard> {
  const dashboard = new Dashboard(opts);
  await dashboard.listen();
  return dashboard;
}

class Dashboard extends StreamingUpstream implements FakeDashboard {
  private history: Array<DashboardEvent & { seq: number }> = [];
  /** What waits on a human, by id, and what became of what no longer does. */
  private readonly pending = new Map<string, DashboardEvent>();
  private readonly decided = new Map<string, string>();

  constructor(private readonly opts: FakeDashboardOptions) {
    super(opts.token, { line: () => ': ping\n\n', everyMs: opts.pingMs ?? 15_000 }, 'dashboard');
  }

  get seq(): number {
    return this.history.at(-1)?.seq ?? 0;
  }

  emit(event: DashboardEvent): number {
    const stored = { ...event, seq: this.seq + 1 };
    this.history.push(stored);
    this.track(event);
    this.emitRaw(frame(stored));
    return stored.seq;
  }

  emitRaw(text: string | Uint8Array): void {
    this.open.write(text);
  }

  pushFixture(): void {
    this.emitRaw(readFixture('agents-events.sse'));
  }

  override async restart(): Promise<void> {
    this.history = [];
    await super.restart();
  }

  protected route(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (req.method === 'POST' && path.startsWith('/api/')) return void this.answer(req, res, path);
    if (req.method !== 'GET' || (path !== '/api/events' && path !== '/api/state'))
      return this.notFound(res);
    if (!this.authorized(req, res)) return;
    if (path === '/api/state') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ seq: this.seq, events: this.history.length }));
      return;
    }
    this.accept(res, 'text/event-stream');
    res.write(': connected\n\n');
    if (this.opts.replayOnConnect ?? true)
      for (const event of this.history) res.write(frame(event));
    this.open.add(res);
  }

  /** Keeps what waits on a human (and what was decided) as the events say. */
  private track(event: DashboardEvent): void {
    const id = String(event.id);
    if (event.kind === 'approval_added') this.pending.set(`approvals:${id}`, event);
    if (event.kind === 'question_added') this.pending.set(`questions:${id}`, event);
    if (event.kind === 'approval_resolved' || event.kind === 'question_resolved') {
      const key = `${event.kind === 'approval_resolved' ? 'approvals' : 'questions'}:${id}`;
      this.pending.delete(key);
      this.decided.set(key, String(event.status ?? 'answered'));
    }
  }

  /**
   * `POST /api/approvals/<id>/approve|deny`, `POST /api/questions/<id>/answer`
   * (docs/upstreams.md#answers-the-upstreams-write-side).
   */
  private async answer(req: IncomingMessage, res: ServerResponse, path: string) {
    if (bearer(req) !== this.token) return sendJson(res, 401, { error: 'unauthorized' });
    const m = /^\/api\/(approvals|questions)\/([\w-]+)\/(approve|deny|answer)$/.exec(path);
    const taken = m && (await this.desk.take(req, res, path));
    if (!m || !taken) return m ? undefined : sendJson(res, 404, { error: 'not found' });
    const [, what, id, verb] = m as unknown as [string, string, string, string];
    const key = `${what}:${id}`;
    const item = this.pending.get(key);
    if (!item) {
      const status = this.decided.get(key);
      return status
        ? sendJson(res, 409, { error: 'already decided', status })
        : sendJson(res, 404, { error: `no ${what.slice(0, -1)} ${id}` });
    }
    if ((what === 'approvals') !== (verb !== 'answer'))
      return sendJson(res, 404, { error: 'not found' });
    taken.record();
    const by = String(taken.body.by ?? 'someone');
    if (what === 'approvals') {
      const status = verb === 'approve' ? 'approved' : 'denied';
      sendJson(res, 200, { id, status });
      this.emit({
        ...item,
        kind: 'approval_resolved',
        status,
        resolved_at: Math.floor(Date.now() / 1000),
        ...(taken.body.note ? { note: taken.body.note } : {}),
      });
    } else {
      sendJson(res, 200, { id, status: 'answered' });
      this.emit({
        kind: 'question_resolved',
        id,
        answer: taken.body.answer,
        answerer: by,
        answered_at: Math.floor(Date.now() / 1000),
        cancelled: false,
      });
    }
  }
}
