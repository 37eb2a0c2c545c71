import { CLOSE } from '@herald/shared';
import { caughtUpBytes, EncodedEvent, heartbeatBytes } from './frames';
import type { EventLog, StoredEvent } from './store/log';
import type { Subscriber } from './subscriber';

/** Events read per replay page: bounds memory per resuming reader. */
const REPLAY_PAGE = 200;

export interface FanoutHooks {
  delivered(count: number): void;
  /** Called once per event per flush with the event's relay acceptance time. */
  flushed(ts: number): void;
  slowConsumer(sub: Subscriber): void;
}

/**
 * The hot path: hands committed events to readers (it delivers; appending to the log is
 * `Publishing.publish`). Each event is encoded once per transport; each live reader gets the
 * turn's events as one buffer in one socket write per event-loop turn; a reader whose unsent
 * bytes pass the bound is cut (1013) and resumes later with `since`, so it never slows the
 * others or grows memory without bound.
 */
export class Fanout {
  readonly subscribers = new Set<Subscriber>();
  /**
   * The newest seq the change feed has handed to fan-out. A replay is caught up when it reaches
   * this, not the log's head: an event the feed has not delivered yet would otherwise be in
   * neither the replay nor the live stream of that reader.
   */
  deliveredThrough: number;
  /** Committed events waiting for the end of the turn. */
  private pending: StoredEvent[] = [];
  private heartbeatDue = false;
  private flushScheduled = false;

  constructor(
    private readonly log: Pick<EventLog, 'read'>,
    startedAt: number,
    private readonly maxBufferedBytes: number,
    private readonly hooks: FanoutHooks,
  ) {
    this.deliveredThrough = startedAt;
  }

  /** Registers the reader, replays what it missed, then switches it to live delivery. */
  async attach(sub: Subscriber): Promise<void> {
    this.subscribers.add(sub);
    // Written in slices of a quarter of the bound, waiting for the peer in between, so a long
    // backlog of large events never piles up in memory or trips the slow-consumer cut.
    const slice = this.maxBufferedBytes / 4;
    for (let page = 0; ; page++) {
      // One page per turn of the event loop: a long replay (or one that filters out nearly
      // everything) must not hold up live delivery, publishes and other readers.
      if (page > 0) await new Promise((resolve) => setImmediate(resolve));
      if (sub.closed) return;
      const rows = await this.log.read(sub.lastSent, REPLAY_PAGE);
      if (sub.closed) return;
      // Seqs are contiguous until retention removes a prefix: a first row past lastSent + 1
      // means a prune ran between the resume decision and this read. Send the reader back to
      // resume again; it will be told `gap: true` instead of silently missing events.
      if (rows.length > 0 && rows[0]!.seq !== sub.lastSent + 1) {
        this.detach(sub);
        sub.sink.close(CLOSE.TRY_AGAIN_LATER, 'history moved: resume again');
        return;
      }
      let out: Buffer[] = [];
      let bytes = 0;
      for (const row of rows) {
        if (sub.accepts(row.topic, row.kind)) {
          const chunk = new EncodedEvent(row).for(sub.sink.transport);
          out.push(chunk);
          bytes += chunk.length;
        }
        sub.lastSent = row.seq;
        if (bytes >= slice) {
          this.replayWrite(sub, out);
          out = [];
          bytes = 0;
          if (sub.sink.buffered() > slice) await sub.sink.drained();
          if (sub.closed) return;
        }
      }
      this.replayWrite(sub, out);
      // Caught up only if nothing was committed since the read; live fan-out takes over from here.
      if (rows.length < REPLAY_PAGE && sub.lastSent >= this.deliveredThrough) {
        sub.live = true;
        // Written in the same turn, so it lands after the last replayed event and before any live one.
        sub.sink.write([caughtUpBytes(sub.sink.transport, sub.lastSent)]);
        return;
      }
      if (sub.sink.buffered() > slice) await sub.sink.drained();
      if (sub.closed) return;
    }
  }

  private replayWrite(sub: Subscriber, chunks: Buffer[]): void {
    if (chunks.length === 0) return;
    sub.sink.write(chunks);
    this.hooks.delivered(chunks.length);
  }

  detach(sub: Subscriber): void {
    sub.closed = true;
    this.subscribers.delete(sub);
  }

  /**
   * Takes freshly committed events from the change feed; they go out at the end of the turn, so
   * every commit of one turn reaches a reader as one buffer.
   */
  deliver(events: StoredEvent[]): void {
    if (events.length === 0) return;
    this.deliveredThrough = events[events.length - 1]!.seq;
    for (const event of events) this.pending.push(event);
    this.scheduleFlush();
  }

  /**
   * The change feed was reset (the log was recreated, or retention outran it): every reader's
   * position may belong to what is gone. Send them all back to resume; where something is gone
   * they are told `gap: true`.
   */
  reset(head: number): number {
    this.deliveredThrough = head;
    return this.closeWhere(() => true, CLOSE.TRY_AGAIN_LATER, 'the log moved on: resume');
  }

  /** A keep-alive for every reader, after its events; `head` is what was delivered. */
  heartbeat(): void {
    this.heartbeatDue = true;
    this.scheduleFlush();
  }

  /** Closes every reader `match` picks (logout, a removed user, shutdown); returns how many. */
  closeWhere(match: (sub: Subscriber) => boolean, code: number, reason: string): number {
    let n = 0;
    for (const sub of [...this.subscribers]) {
      if (!match(sub)) continue;
      this.detach(sub);
      sub.sink.close(code, reason);
      n++;
    }
    return n;
  }

  private cut(sub: Subscriber): void {
    this.detach(sub);
    this.hooks.slowConsumer(sub);
    sub.sink.close(CLOSE.TRY_AGAIN_LATER, 'slow consumer');
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Writes the turn's events, and a due heartbeat after them, to every live reader: one buffer
   * per reader, shared by every reader with the same filter and transport, so the accept
   * decisions and the concatenation happen once per group and a live reader costs one map
   * lookup and one socket write, as in the floor. (Several buffers per write would take Node's
   * writev path, a third of the fan-out's time when commits came one by one.)
   */
  private flush(): void {
    this.flushScheduled = false;
    const events = this.pending;
    this.pending = [];
    const beat = this.heartbeatDue
      ? heartbeatBytes(this.deliveredThrough, new Date().toISOString())
      : undefined;
    this.heartbeatDue = false;
    if (events.length === 0 && !beat) return;
    const encoded = events.map((e) => new EncodedEvent(e));
    const first = events[0]?.seq ?? Infinity;
    const last = events[events.length - 1]?.seq ?? 0;
    let delivered = 0;
    const groups = new Map<string, { chunk: Buffer | undefined; count: number }>();
    for (const sub of this.subscribers) {
      // Readers still replaying get data anyway, and must not be cut for their backlog.
      if (!sub.live) continue;
      const transport = sub.sink.transport;
      let group: { chunk: Buffer | undefined; count: number } | undefined;
      if (sub.lastSent < first) {
        group = groups.get(sub.filter.key);
        if (!group) {
          group = pick(events, encoded, sub, beat?.[transport]);
          groups.set(sub.filter.key, group);
        }
      } else {
        // Rare: a reader that just finished replaying part of this turn takes only the rest.
        group = pick(events, encoded, sub, beat?.[transport]);
      }
      if (last > sub.lastSent) sub.lastSent = last;
      if (!group.chunk) continue;
      // Cut on what the peer has not taken from earlier writes; this turn's burst may be larger
      // than the bound (a 500-event batch), within a hard cap that still bounds memory.
      if (
        sub.sink.buffered() > this.maxBufferedBytes ||
        group.chunk.length > 8 * this.maxBufferedBytes
      ) {
        this.cut(sub);
        continue;
      }
      sub.sink.write([group.chunk]);
      delivered += group.count;
    }
    if (delivered > 0) this.hooks.delivered(delivered);
    for (const event of events) this.hooks.flushed(event.ts);
  }
}

/** The events of `events` (past the reader's cursor) it accepts, then `tail`, as one buffer. */
function pick(
  events: StoredEvent[],
  encoded: EncodedEvent[],
  sub: Subscriber,
  tail: Buffer | undefined,
): { chunk: Buffer | undefined; count: number } {
  const transport = sub.sink.transport;
  const picked: Buffer[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.seq > sub.lastSent && sub.accepts(event.topic, event.kind))
      picked.push(encoded[i]!.for(transport));
  }
  const count = picked.length;
  if (tail) picked.push(tail);
  const chunk = picked.length > 1 ? Buffer.concat(picked) : picked[0];
  return { chunk, count };
}
