import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerDesk, sendJson, type AnswerMode, type TakenAnswer } from './answers';
import { readFixture } from './fixtures';
import { bearer, OpenStreams, RestartableServer, waitUntil } from './http-server';

export interface FakeTrackerOptions {
  token: string;
  /** Heartbeat period; 0 turns them off (a silent upstream). Default 20 s, like the real tracker. */
  heartbeatMs?: number;
  /** Lines written to every new connection right after `connected` (e.g. the fixture). */
  onConnect?: () => string;
}

export interface FakeTracker {
  url: string;
  /** Sends one line to every open stream: an object is JSON-encoded; a string is sent as is. */
  push(line: object | string): void;
  /** Sends raw text or bytes (partial lines, several lines, a trickle) to every open stream. */
  pushRaw(text: string | Uint8Array): void;
  /** Sends the whole `tickets-watch.ndjson` fixture to every open stream. */
  pushFixture(): void;
  /** Cuts every open stream (after anything already pushed, e.g. half a line). */
  dropConnections(): void;
  /** Stops and starts again on the same port: open streams die, new ones get `connected`. */
  restart(): Promise<void>;
  setToken(token: string): void;
  close(): Promise<void>;
  /** Open streams right now. */
  readonly connections: number;
  /** Streams ever opened, and requests refused with 401. */
  readonly accepted: number;
  readonly unauthorized: number;
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  /** Resolutions taken by `POST /tickets/<id>/resolution`, in order. */
  readonly answers: TakenAnswer[];
  /** Requests to the resolution endpoint, including retries and refusals. */
  readonly answerAttempts: number;
  /** How the resolution endpoint behaves from now on. */
  setAnswerMode(mode: AnswerMode): void;
  /** A ticket's status as the tracker knows it (from the lines pushed and the answers taken). */
  status(ticketId: string): string | undefined;
}

const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The ticket tracker's `GET /tickets/watch`, exactly as upstreams.md §1 describes it. */
export async function startFakeTracker(opts: FakeTrackerOptions): Promise<FakeTracker> {
  let token = opts.token;
  let accepted = 0;
  let unauthorized = 0;
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const open = new OpenStreams(
    () => `${JSON.stringify({ event: 'heartbeat', at: nowIso() })}\n`,
    heartbeatMs,
  );

  const tickets = new Map<string, { status: string; title?: string }>();
  const desk = new AnswerDesk();
  const pushLine = (line: object | string) => {
    if (typeof line === 'object') {
      const m = line as { ticket_id?: unknown; status_after?: unknown; title?: unknown };
      if (typeof m.ticket_id === 'string' && typeof m.status_after === 'string') {
        const title = typeof m.title === 'string' ? m.title : tickets.get(m.ticket_id)?.title;
        tickets.set(m.ticket_id, { status: m.status_after, title });
      }
    }
    open.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
  };

  /** `POST /tickets/<id>/resolution` (upstreams.md §5): decide once, then report on the watch. */
  const resolve = async (req: IncomingMessage, res: ServerResponse, id: string, path: string) => {
    if (bearer(req) !== token) return sendJson(res, 401, { error: 'unauthorized' });
    const taken = await desk.take(req, res, path);
    if (!taken) return;
    const ticket = tickets.get(id);
    const decision = taken.body.decision;
    if (!ticket) return sendJson(res, 404, { error: 'no such ticket' });
    if (decision !== 'accept' && decision !== 'reject')
      return sendJson(res, 400, { error: 'decision must be accept or reject' });
    if (ticket.status !== 'proposed_resolution')
      return sendJson(res, 409, { error: 'no resolution is proposed', status: ticket.status });
    taken.record();
    const statusAfter = decision === 'accept' ? 'resolved' : 'in_progress';
    sendJson(res, 200, { ticket_id: id, status_after: statusAfter });
    pushLine({
      ticket_id: id,
      title: ticket.title,
      status_before: 'proposed_resolution',
      status_after: statusAfter,
      by: taken.body.by,
      action: decision === 'accept' ? 'accept_resolution' : 'reject_resolution',
      at: nowIso(),
    });
  };

  const server = new RestartableServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const resolution = /^\/tickets\/([\w-]+)\/resolution$/.exec(path);
    if (req.method === 'POST' && resolution) return void resolve(req, res, resolution[1]!, path);
    const page = /^\/tickets\/([\w-]+)$/.exec(path);
    if (req.method === 'GET' && page && page[1] !== 'watch') {
      // The ticket's own page, which a toast click opens (upstreams.md §1).
      const id = page[1]!;
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><title>Ticket ${id}</title><h1>Ticket ${id}</h1>`);
      return;
    }
    if (req.method !== 'GET' || path !== '/tickets/watch') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (bearer(req) !== token) {
      unauthorized += 1;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    accepted += 1;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
    res.flushHeaders();
    res.write(`${JSON.stringify({ event: 'connected', at: nowIso() })}\n`);
    if (opts.onConnect) res.write(opts.onConnect());
    open.add(res);
  });
  await server.listen();

  const pushRaw = (text: string | Uint8Array) => open.write(text);
  return {
    url: server.url,
    push: pushLine,
    pushRaw,
    pushFixture: () => pushRaw(readFixture('tickets-watch.ndjson')),
    dropConnections: () => open.drop(),
    async restart() {
      open.clear();
      await server.close();
      await server.listen();
    },
    setToken(next) {
      token = next;
    },
    close: () => {
      open.clear();
      return server.close();
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
      waitUntil(() => open.size >= n, `${n} tracker connection(s)`, timeoutMs),
    answers: desk.taken,
    get answerAttempts() {
      return desk.attempts;
    },
    setAnswerMode: (mode) => void (desk.mode = mode),
    status: (id) => tickets.get(id)?.status,
  };
}
