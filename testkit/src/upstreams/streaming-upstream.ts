import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerDesk, type AnswerMode, type TakenAnswer } from './answers';
import { waitFor } from '../wait';
import { bearer, OpenStreams, RestartableServer } from './http-server';

/** What tests can do to, and ask of, every fake upstream that streams to the relay. */
export interface FakeUpstream {
  readonly url: string;
  /** Cuts every open stream (after anything already pushed, e.g. half a line). */
  dropConnections(): void;
  /** Stops and starts again on the same port: open streams die, new ones start afresh. */
  restart(): Promise<void>;
  setToken(token: string): void;
  close(): Promise<void>;
  /** Open streams right now. */
  readonly connections: number;
  /** Streams ever opened, and requests refused with 401. */
  readonly accepted: number;
  readonly unauthorized: number;
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  /** Answers taken through the write side (docs/upstreams.md#answers-the-upstreams-write-side), in order. */
  readonly answers: TakenAnswer[];
  /** Requests to the write side, including retries and refusals. */
  readonly answerAttempts: number;
  /** How the write side behaves from now on. */
  setAnswerMode(mode: AnswerMode): void;
}

/**
 * The part the tracker and the dashboard fakes share: a loopback server that restarts on its
 * port, a bearer token, the open streams with their keep-alive, and the answer desk. A fake
 * routes its own requests (`route`) and says what it streams.
 */
export abstract class StreamingUpstream implements FakeUpstream {
  accepted = 0;
  unauthorized = 0;
  protected readonly open: OpenStreams;
  protected readonly desk = new AnswerDesk();
  private readonly server = new RestartableServer((req, res) =>
    this.route(req, res, new URL(req.url ?? '/', 'http://x').pathname),
  );

  /** `what` names a connection in timeout messages ("2 tracker connection(s)"). */
  constructor(
    protected token: string,
    keepAlive: { line: () => string; everyMs: number },
    private readonly what: string,
  ) {
    this.open = new OpenStreams(keepAlive.line, keepAlive.everyMs);
  }

  protected abstract route(req: IncomingMessage, res: ServerResponse, path: string): void;

  listen(): Promise<void> {
    return this.server.listen();
  }

  /** False (and a 401, counted) when the request does not carry the current token. */
  protected authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (bearer(req) === this.token) return true;
    this.unauthorized += 1;
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    return false;
  }

  /** Opens a stream response (counted); the fake writes its greeting, then `open.add(res)`. */
  protected accept(res: ServerResponse, contentType: string): void {
    this.accepted += 1;
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  }

  protected notFound(res: ServerResponse): void {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  }

  get url(): string {
    return this.server.url;
  }

  get connections(): number {
    return this.open.size;
  }

  get answers(): TakenAnswer[] {
    return this.desk.taken;
  }

  get answerAttempts(): number {
    return this.desk.attempts;
  }

  setAnswerMode(mode: AnswerMode): void {
    this.desk.mode = mode;
  }

  setToken(next: string): void {
    this.token = next;
  }

  dropConnections(): void {
    this.open.drop();
  }

  async restart(): Promise<void> {
    this.open.clear();
    await this.server.close();
    await this.server.listen();
  }

  close(): Promise<void> {
    this.open.clear();
    return this.server.close();
  }

  async waitForConnections(n: number, timeoutMs?: number): Promise<void> {
    await waitFor(() => this.open.size >= n, `${n} ${this.what} connection(s)`, { timeoutMs });
  }
}
