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

  const server = new RestartableServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
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
  return {
    url: server.url,
    emit(event) {
      const seq = (history.at(-1)?.seq ?? 0) + 1;
      const stored = { ...event, seq };
      history.push(stored);
      emitRaw(frame(stored));
      return seq;
    },
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
  };
}
