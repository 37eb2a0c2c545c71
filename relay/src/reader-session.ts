import type { IncomingMessage } from 'node:http';
import type { User } from '@herald/shared';
import type { RelayContext } from './context';
import type { Transport } from './frames';
import type { StateReader } from './person-state-readers';
import { resumePoint, type ResumePoint } from './resume';
import type { LogPosition } from './store/log';
import { Subscriber, type Reader, type Sink } from './subscriber';

/**
 * The peer's address. Behind the one trusted proxy (`HERALD_TRUST_PROXY`), that is the last
 * `X-Forwarded-For` entry: the one the proxy appended. Anything left of it the client wrote
 * itself, and taking it would let anyone pick a fresh address per request to slip the
 * per-address sign-in and connection limits.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** What a reader asks for when it starts: the same on every transport. */
export interface Opening {
  token: string | undefined;
  since?: number;
  epoch?: string;
  kinds?: string[];
  /** Also follow the person's state from this rev (WebSocket `hello.stateSince`). */
  stateSince?: number;
}

/** What the transport tells the reader before the replay: `welcome` or the `connected` line. */
export interface Greeting {
  position: LogPosition;
  point: ResumePoint;
  user: User;
}

export type StartOutcome = 'ok' | 'unauthorized' | 'forbidden' | 'gone';

/**
 * One reader's connection, whatever carries it (Centrifuge's client session): admission by the
 * per-address bucket, authentication, the resume decision, metrics, the open and close log lines
 * and the hand-over to fan-out live here once. The WebSocket and stream handlers only frame.
 */
export class ReaderSession {
  readonly id: number;
  sub?: Subscriber;
  private state?: StateReader;
  private readonly opened = Date.now();
  private user?: string;
  private ended = false;

  private constructor(
    private readonly ctx: RelayContext,
    readonly transport: Transport,
    readonly address: string,
  ) {
    this.id = ctx.nextConnectionId();
    ctx.metrics.connections.inc({ transport });
  }

  /** A new connection from `address`, or undefined when it must back off (rate limit). */
  static admit(ctx: RelayContext, transport: Transport, address: string) {
    if (!ctx.connectBuckets.take(address)) return undefined;
    return new ReaderSession(ctx, transport, address);
  }

  /**
   * Authenticates, decides where the replay starts, lets the transport greet the reader (it
   * returns the sink to write to, or nothing if there is nobody to write to), then replays and
   * goes live. Resolves once the reader is live or gone.
   */
  async start(opening: Opening, greet: (g: Greeting) => Sink | undefined): Promise<StartOutcome> {
    const { ctx } = this;
    const principal = opening.token ? await ctx.accounts.authenticate(opening.token) : null;
    if (!principal) return 'unauthorized';
    if (principal.kind !== 'session') return 'forbidden';
    const position = await ctx.log.position();
    if (this.ended) return 'gone';
    const point = resumePoint(position, opening.since, opening.epoch);
    if (point.gap) ctx.metrics.resumeGaps.inc();
    this.user = principal.name;
    const sink = greet({
      position,
      point,
      user: { name: principal.name, topics: principal.topics, act: principal.act },
    });
    if (!sink) return 'gone';
    if (opening.stateSince !== undefined) {
      // Before the replay: a browser must know what was read before it sees what was missed.
      this.state = await ctx.personStates.attach(principal.name, opening.stateSince, (frame) =>
        sink.write([frame]),
      );
      if (this.ended) {
        ctx.personStates.detach(this.state);
        return 'gone';
      }
    }
    // Built field by field: a spread of the principal gave every reader a hidden class of its
    // own (~250 bytes per idle connection in heap snapshots).
    const reader: Reader = {
      name: principal.name,
      topics: principal.topics,
      tokenHash: principal.tokenHash,
      address: this.address,
    };
    this.sub = new Subscriber(reader, sink, point.after, opening.kinds);
    ctx.logger.info(
      {
        conn: this.id,
        transport: this.transport,
        user: principal.name,
        address: this.address,
        since: opening.since,
        ...point,
      },
      'connection open',
    );
    await ctx.fanout.attach(this.sub);
    return 'ok';
  }

  /** The connection is over, whichever side ended it: detach, count and log, once. */
  end(code: number | undefined, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.sub) this.ctx.fanout.detach(this.sub);
    if (this.state) this.ctx.personStates.detach(this.state);
    this.ctx.metrics.connections.dec({ transport: this.transport });
    this.ctx.logger.info(
      {
        conn: this.id,
        transport: this.transport,
        user: this.user,
        address: this.address,
        code: code ?? null,
        reason,
        ms: Date.now() - this.opened,
      },
      'connection close',
    );
  }
}
