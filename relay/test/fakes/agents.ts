import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerDesk, sendJson, type AnswerMode, type TakenAnswer } from './answers';
import { readFixture } from './fixtures';
import { bearer, OpenStreams, RestartableServer, waitUntil } from './http-server';

export interface FakeDashboardOptions {
  token: string;
  /** `: ping` comment period; 0 turns them off. Default 15 s. */
  pingMs?: number;
  /** Replay the whole history to every new subscriber (a reconnect then sees old seqs again). Default true. */
  replayOnConnect?: boolean;
}

export type DashboardEvent = Record<string, unknown> & { kind: string };

export interface FakeDashboard {
  url: string;
  /** Appends an event with the next seq and sends it to every subscriber; returns its seq. */
  emit(event: DashboardEvent): number;
  /** Sends raw SSE text (partial frames, malformed frames, comments) to every subscriber. */
  emitRaw(text: string | Uint8Array): void;
  /** Sends `agents-events.sse` verbatim to every subscriber. */
  pushFixture(): void;
  dropConnections(): void;
  /** Stops and starts again on the same port as a new process: history gone, seq from 1. */
  restart(): Promise<void>;
  setToken(token: string): void;
  close(): Promise<void>;
  readonly seq: number;
  readonly connections: number;
  readonly accepted: number;
  readonly unauthorized: number;
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  /** Approvals and answers taken through the write side (upstreams.md §5), in order. */
  readonly answers: TakenAnswer[];
  /** Requests to the write side, including retries and refusals. */
  readonly answerAttempts: number;
  setAnswerMode(mode: AnswerMode): void;
}

const frame = (event: object) => `data: ${JSON.stringify(event)}\n\n`;

/** The agent dashboard's `GET /api/events` (SSE) and `GET /api/state`, as upstreams.md §2 describes. */
export async function startFakeDashboard(opts: FakeDashboardOptions): Promise<FakeDashboard> {
  let token = opts.token;
  let history: Array<DashboardEvent & { seq: number }> = [];
  let accepted = 0;
  let unauthorized = 0;
  const pingMs = opts.pingMs ?? 15_000;
  const open = new OpenStreams(() => ': ping\n\n', pingMs);

  const desk = new AnswerDesk();
  /** What waits on a human, by id, and what became of what no longer does. */
  const pending = new Map<string, DashboardEvent>();
  const decided = new Map<string, string>();

  /** `POST /api/approvals/<id>/approve|deny`, `POST /api/questions/<id>/answer`. */
  const answer = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (bearer(req) !== token) return sendJson(res, 401, { error: 'unauthorized' });
    const m = /^\/api\/(approvals|questions)\/([\w-]+)\/(approve|deny|answer)$/.exec(path);
    const taken = m && (await desk.take(req, res, path));
    if (!m || !taken) return m ? undefined : sendJson(res, 404, { error: 'not found' });
    const [, what, id, verb] = m as unknown as [string, string, string, string];
    const key = `${what}:${id}`;
    const item = pending.get(key);
    if (!item) {
      const status = decided.get(key);
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
      emit({
        ...item,
        kind: 'approval_resolved',
        status,
        resolved_at: Math.floor(Date.now() / 1000),
        ...(taken.body.note ? { note: taken.body.note } : {}),
      });
    } else {
      sendJson(res, 200, { id, status: 'answered' });
      emit({
        kind: 'question_resolved',
        id,
        answer: taken.body.answer,
        answerer: by,
        answered_at: Math.floor(Date.now() / 1000),
        cancelled: false,
      });
    }
  };

  const server = new RestartableServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path.startsWith('/api/')) return void answer(req, res, path);
    if (req.method !== 'GET' || (path !== '/api/events' && path !== '/api/state')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (bearer(req) !== token) {
      unauthorized += 1;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    if (path === '/api/state') {
      const seq = history.at(-1)?.seq ?? 0;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ seq, events: history.length }));
      return;
    }
    accepted += 1;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    if (opts.replayOnConnect ?? true) for (const event of history) res.write(frame(event));
    open.add(res);
  });
  await server.listen();

  const emitRaw = (text: string | Uint8Array) => open.write(text);
  /** Keeps what waits on a human (and what was decided) as the events say. */
  const track = (event: DashboardEvent) => {
    const id = String(event.id);
    if (event.kind === 'approval_added') pending.set(`approvals:${id}`, event);
    if (event.kind === 'question_added') pending.set(`questions:${id}`, event);
    if (event.kind === 'approval_resolved' || event.kind === 'question_resolved') {
      const key = `${event.kind === 'approval_resolved' ? 'approvals' : 'questions'}:${id}`;
      pending.delete(key);
      decided.set(key, String(event.status ?? 'answered'));
    }
  };
  const emit = (event: DashboardEvent): number => {
    const seq = (history.at(-1)?.seq ?? 0) + 1;
    const stored = { ...event, seq };
    history.push(stored);
    track(event);
    emitRaw(frame(stored));
    return seq;
  };
  return {
    url: server.url,
    emit: (event) => emit(event),
    emitRaw,
    pushFixture: () => emitRaw(readFixture('agents-events.sse')),
    dropConnections: () => open.drop(),
    async restart() {
      open.clear();
      history = [];
      await server.close();
      await server.listen();
    },
    setToken(next) {
      token = next;
    },
    close() {
      open.clear();
      return server.close();
    },
    get seq() {
      return history.at(-1)?.seq ?? 0;
    },
    get connections() {
      return open.size;
    },
    get accepted() {
      return accepted;
    },
    get unauthorized() {
      return unauthorized;
    },
    waitForConnections: (n, timeoutMs) =>
      waitUntil(() => open.size >= n, `${n} dashboard connection(s)`, timeoutMs),
    answers: desk.taken,
    get answerAttempts() {
      return desk.attempts;
    },
    setAnswerMode: (mode) => void (desk.mode = mode),
  };
}
