import {
  CLOSE,
  isFinalClose,
  serverMessageSchema,
  type ClientMessage,
  type HeraldEvent,
  type StateSnapshot,
  type User,
} from '@herald/shared';
import { backoffDelay } from './backoff';
import type { Auth, ConnectionSnapshot, ConnectionState, Cursor } from './storage';

/** The part of the browser's WebSocket the connection uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface ConnectionDeps {
  createSocket: (url: string) => SocketLike;
  loadAuth: () => Promise<Auth | undefined>;
  loadCursor: () => Promise<Cursor | undefined>;
  saveCursor: (cursor: Cursor) => Promise<void>;
  /** The kind filter for `hello` (from the toggles). */
  kinds: () => Promise<string[]>;
  /** Called once per new seq, in order; `replay` = it happened before this connection began. */
  onEvent: (event: HeraldEvent, replay: boolean) => Promise<void>;
  /** The replay after `welcome` is over (or was empty): time for the catch-up decision. */
  onReplayDone: () => Promise<void>;
  /** The relay's log changed (new epoch): seqs start again, forget the ones seen. */
  onNewEpoch: () => void;
  /** The relay refused the token (revoked, expired): forget it. */
  onRevoked: () => Promise<void>;
  onState: (snapshot: ConnectionSnapshot) => void;
  /**
   * The snapshot an earlier worker left (storage): a refusal it recorded holds in this one too,
   * or an MV3 worker, stopped and woken by the watchdog every 30 s, would try again each time.
   */
  lastSnapshot?: () => Promise<ConnectionSnapshot>;
  /** The relay's current account of the person (`welcome`): grants change between sign-ins. */
  onUser?: (user: User) => Promise<void>;
  /**
   * The last person-state rev held: given, the hello asks for the person's state
   * (person-state.ts) and `onStateFrame` gets each `state` frame, in order with the events.
   */
  stateSince?: () => Promise<number>;
  onStateFrame?: (snapshot: StateSnapshot) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export const TIMING = {
  /**
   * No frame at all for this long: the connection is dead. The relay heartbeats at the interval
   * it announces in `welcome.heartbeat` (15 s by default), so 45 s is three missed beats; it also
   * answers our ping below. Fixed rather than read from the welcome: a relay set to beat once an
   * hour would otherwise leave a dead socket unnoticed for hours, and the pong comes regardless.
   */
  staleMs: 45_000,
  /** App-level ping: keeps an MV3 worker alive and proves the socket carries traffic. */
  pingMs: 20_000,
};

const OPEN = 1;

export function wsUrl(relayUrl: string): string {
  const u = new URL(relayUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/$/, '')}/v1/ws`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

/**
 * One WebSocket to the relay, and the state machine the popup shows:
 * signed_out → connecting → connected ⇄ reconnecting | unreachable; → revoked on 4401 and
 * → refused on the relay's other final close (4403, `CLOSE_POLICY`), which only a sign-in lifts.
 */
export class Connection {
  private running = false;
  /** Closed with a final code other than 4401: nothing but `restart()` connects again. */
  private refused = false;
  /** Whether an earlier worker's refusal (`lastSnapshot`) was looked at, or made moot by a sign-in. */
  private checkedLast = false;
  /** Bumped whenever a socket is abandoned, so its late callbacks are ignored. */
  private gen = 0;
  private socket: SocketLike | null = null;
  private attempt = 0;
  private cursor: Cursor | undefined;
  private head = 0;
  private replaying = false;
  private welcomed = false;
  private chain: Promise<void> = Promise.resolve();
  private timers: Record<'retry' | 'stale' | 'ping', ReturnType<typeof setTimeout> | undefined> = {
    retry: undefined,
    stale: undefined,
    ping: undefined,
  };
  private snap: ConnectionSnapshot = { state: 'signed_out' };
  private readonly now: () => number;

  constructor(private readonly deps: ConnectionDeps) {
    this.now = deps.now ?? Date.now;
  }

  get snapshot(): ConnectionSnapshot {
    return this.snap;
  }

  /** Connects if signed in and not already running; safe to call from every wake-up. */
  start(): void {
    if (this.running || this.refused) return;
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  /** Sign-out or revocation: drop the socket, stop retrying. */
  stop(state: 'signed_out' | 'revoked' = 'signed_out', error?: string): void {
    this.running = false;
    this.refused = false;
    this.abandon(1000);
    this.emit({ state, ...(error ? { error } : {}) });
  }

  /** Sign-in with a new token: start over. */
  restart(): void {
    this.running = false;
    this.refused = false;
    this.checkedLast = true;
    this.abandon(1000);
    this.start();
  }

  /** The browser is back online: don't wait out the backoff. */
  online(): void {
    if (!this.running || this.welcomed) return;
    if (this.socket && this.snap.state === 'connecting') return;
    this.attempt = 0;
    this.abandon(1000);
    void this.connect();
  }

  /** The watchdog alarm: bring the connection back if nothing is running or scheduled. */
  ensure(): void {
    if (!this.running) return this.start();
    if (!this.socket && !this.timers.retry) void this.connect();
  }

  /** Toggles changed: the relay filters from now on; the next `hello` carries them too. */
  subscribe(kinds: string[]): void {
    if (this.welcomed) this.send({ type: 'subscribe', kinds });
  }

  private emit(snapshot: ConnectionSnapshot): void {
    this.snap = snapshot;
    this.deps.onState(snapshot);
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private clearTimer(name: keyof Connection['timers']): void {
    clearTimeout(this.timers[name]);
    clearInterval(this.timers[name]);
    this.timers[name] = undefined;
  }

  private abandon(code: number): void {
    this.gen++;
    for (const name of ['retry', 'stale', 'ping'] as const) this.clearTimer(name);
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(code);
      } catch {
        // Already closed.
      }
    }
    this.finishReplay();
  }

  private async connect(): Promise<void> {
    this.clearTimer('retry');
    const gen = ++this.gen;
    const last = this.checkedLast ? undefined : this.deps.lastSnapshot?.();
    const [auth, cursor, kinds, stateSince, before] = await Promise.all([
      this.deps.loadAuth(),
      this.deps.loadCursor(),
      this.deps.kinds(),
      this.deps.stateSince?.(),
      last,
    ]);
    if (gen !== this.gen || !this.running) return;
    // Only now: an attempt abandoned while reading (online() right after a wake-up) must not
    // use up the look at an earlier worker's refusal.
    this.checkedLast = true;
    if (auth && before?.state === 'refused') return this.refuse(before.error, auth.user.name);
    if (!auth) {
      this.running = false;
      this.emit({ state: 'signed_out' });
      return;
    }
    this.cursor = cursor;
    this.emit({ state: 'connecting', user: auth.user.name });
    let socket: SocketLike;
    try {
      socket = this.deps.createSocket(wsUrl(auth.relayUrl));
    } catch {
      this.retry('unreachable', 'unreachable');
      return;
    }
    this.socket = socket;
    let opened = false;
    this.armStale(gen);
    socket.onopen = () => {
      opened = true;
      this.send({
        type: 'hello',
        token: auth.token,
        ...(cursor ? { since: cursor.since, epoch: cursor.epoch } : {}),
        kinds,
        ...(stateSince !== undefined ? { stateSince } : {}),
      });
      this.timers.ping = setInterval(() => this.send({ type: 'ping' }), TIMING.pingMs);
    };
    socket.onmessage = (ev) => {
      if (gen !== this.gen) return;
      this.armStale(gen);
      this.onFrame(ev.data, auth);
    };
    socket.onclose = (ev) => {
      if (gen !== this.gen) return;
      this.onClose(ev.code, opened);
    };
    socket.onerror = () => undefined; // a close event always follows
  }

  private armStale(gen: number): void {
    this.clearTimer('stale');
    this.timers.stale = setTimeout(() => {
      if (gen !== this.gen) return;
      this.abandon(4000);
      this.retry('reconnecting', 'stale');
    }, TIMING.staleMs);
  }

  private onFrame(data: unknown, auth: Auth): void {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      return;
    }
    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const msg = parsed.data;
    switch (msg.type) {
      case 'welcome': {
        this.attempt = 0;
        this.welcomed = true;
        this.head = msg.head;
        if (!this.cursor || this.cursor.epoch !== msg.epoch) {
          // First sign-in: the relay sends only what comes next. A new log: it replays all of it.
          if (this.cursor) this.deps.onNewEpoch();
          const cursor = { since: this.cursor ? 0 : msg.head, epoch: msg.epoch };
          this.cursor = cursor;
          this.enqueue(() => this.deps.saveCursor(cursor));
        }
        // Before the events that follow: whether they get buttons depends on the act grant.
        const onUser = this.deps.onUser;
        if (onUser) this.enqueue(() => onUser(msg.user));
        this.replaying = true;
        this.emit({ state: 'connected', head: msg.head, user: auth.user.name });
        return;
      }
      case 'event':
        this.enqueue(() => this.process(msg.event));
        return;
      case 'state': {
        // On the same queue as events: the snapshot that answers the hello is applied before
        // the replay that follows it, so nothing already read elsewhere is toasted again.
        const onStateFrame = this.deps.onStateFrame;
        const { type: _type, ...snapshot } = msg;
        if (onStateFrame) this.enqueue(() => onStateFrame(snapshot));
        return;
      }
      case 'caught_up':
        // The relay says where its replay ended, so "missed while away" is exact, not guessed.
        this.enqueue(() => this.endReplay());
        return;
      case 'heartbeat':
      case 'pong':
      case 'subscribed':
      case 'error':
        return;
    }
  }

  private enqueue(task: () => Promise<void>): void {
    const gen = this.gen;
    this.chain = this.chain
      .then(() => (gen === this.gen ? task() : undefined))
      .catch(() => undefined);
  }

  private async process(event: HeraldEvent): Promise<void> {
    const cursor = this.cursor;
    if (!cursor || event.seq <= cursor.since) return; // replay overlap: already processed
    const replay = this.replaying && event.seq <= this.head;
    if (this.replaying && !replay) await this.endReplay();
    await this.deps.onEvent(event, replay);
    this.cursor = { since: event.seq, epoch: cursor.epoch };
    await this.deps.saveCursor(this.cursor);
  }

  /** Ends the replay after everything already queued has been processed (socket gone mid-replay). */
  private finishReplay(): void {
    if (!this.replaying) return;
    this.chain = this.chain.then(() => this.endReplay()).catch(() => undefined);
  }

  private async endReplay(): Promise<void> {
    if (!this.replaying) return;
    this.replaying = false;
    await this.deps.onReplayDone();
  }

  private onClose(code: number, opened: boolean): void {
    this.abandon(1000);
    if (!this.running) return;
    if (code === CLOSE.UNAUTHORIZED) {
      // The token is no good: forget it, the person signs in again.
      this.running = false;
      void this.deps
        .onRevoked()
        .finally(() => this.emit({ state: 'revoked', error: 'unauthorized' }));
      return;
    }
    if (isFinalClose(code)) return this.refuse(`close:${code}`, this.snap.user);
    if (!opened) return this.retry('unreachable', 'unreachable');
    const known = code !== 1005 && code !== 1006;
    this.retry('reconnecting', known ? `close:${code}` : 'closed');
  }

  /** A final close the token is not to blame for (4403): keep it, stop, and say why. */
  private refuse(error: string | undefined, user: string | undefined): void {
    this.running = false;
    this.refused = true;
    this.emit({ state: 'refused', ...(error ? { error } : {}), ...(user ? { user } : {}) });
  }

  private retry(
    state: Extract<ConnectionState, 'reconnecting' | 'unreachable'>,
    error: string,
  ): void {
    const delay = backoffDelay(this.attempt++, this.deps.random);
    const retryAt = this.now() + delay;
    this.emit({ state, retryAt, error });
    this.clearTimer('retry');
    this.timers.retry = setTimeout(() => {
      this.timers.retry = undefined;
      void this.connect();
    }, delay);
  }
}
