import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PublishResult } from '@herald/shared';
import { StoreUnavailableError } from './failure';
import type {
  AppendOutcome,
  ChangeFeed,
  EventLog,
  LogPosition,
  NewEvent,
  StoredEvent,
} from './log';
import { withSeq } from './log';
import {
  connectRedis,
  retryDelayMs,
  TAIL_BLOCK_MS,
  type Redis,
  type RedisOptions,
} from './redis-client';
import { APPEND, PRUNE } from './redis-scripts';

export interface RedisLogOptions extends RedisOptions {
  /** Names this Herald's keys (`{herald}:…`); several Heralds can share one Redis. */
  prefix?: string;
  maxEvents: number;
  maxAgeSeconds: number;
}

/** Entries removed per prune step: ~1.5 ms of Redis time here, against ~11 ms for 2,000. */
const PRUNE_BATCH = 500;

type Entry = [id: string, fields: string[]];

function toStored([id, fields]: Entry): StoredEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return {
    seq: Number(id.slice(0, id.indexOf('-'))),
    topic: f.t!,
    kind: f.k!,
    ts: Number(f.ts),
    json: f.j!,
  };
}

/**
 * The event log in Redis, shared by every relay pointed at it: one stream appended by one Lua
 * script (idempotency, the next seq, entry id `<seq>-0`), keys named by the epoch so a reader
 * can never mix an old log with a new one, and a change feed tailed with a blocking XREAD on a
 * connection of its own, from a concrete id.
 */
export class RedisLog implements EventLog {
  private epoch = '';
  private tailing = false;
  private closed = false;
  private readonly feeds = new Set<ChangeFeed>();
  private readonly prefix: string;

  private constructor(
    private readonly redis: Redis,
    private readonly tailer: Redis,
    private readonly options: RedisLogOptions,
  ) {
    this.prefix = options.prefix ?? 'herald';
  }

  static async open(options: RedisLogOptions): Promise<RedisLog> {
    const redis = await connectRedis(options);
    const tailer = await redis.duplicate().catch(async (err: unknown) => {
      await redis.close();
      throw err;
    });
    const log = new RedisLog(redis, tailer, options);
    log.epoch = await log.currentEpoch();
    return log;
  }

  private key(name: string, epoch = this.epoch): string {
    return name === 'epoch' ? `{${this.prefix}}:epoch` : `{${this.prefix}}:${epoch}:${name}`;
  }

  private run<T>(args: string[]): Promise<T> {
    return this.redis.run<T>(args);
  }

  private script<T>(lua: string, keys: string[], args: string[]): Promise<T> {
    return this.redis.script<T>(lua, keys, args);
  }

  /** The epoch in Redis, created once with the log (an empty or flushed Redis gets a new one). */
  private async currentEpoch(): Promise<string> {
    // Read first: the tailer asks every turn, and the key is almost always there.
    const epoch = await this.run<string | null>(['GET', this.key('epoch')]);
    if (epoch) return epoch;
    // Missing (a new or emptied Redis): create it; if another relay just did, theirs stands.
    await this.run(['SET', this.key('epoch'), randomUUID(), 'NX']);
    return (await this.run<string>(['GET', this.key('epoch')])) ?? '';
  }

  /** Adopts the epoch Redis has now; tells the feeds if it is not the one they followed. */
  private async adoptEpoch(): Promise<boolean> {
    const epoch = await this.currentEpoch();
    if (epoch === this.epoch) return false;
    this.epoch = epoch;
    // Read under the new epoch's keys directly: asking position() could come back here.
    const [head, pruned] = await this.run<(string | null)[]>([
      'MGET',
      this.key('seq'),
      this.key('pruned'),
    ]);
    const position = { epoch, head: Number(head ?? 0), prunedThrough: Number(pruned ?? 0) };
    for (const feed of this.feeds) feed.reset?.(position);
    return true;
  }

  async position(): Promise<LogPosition> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const [epoch, head, pruned] = await this.run<(string | null)[]>([
        'MGET',
        this.key('epoch'),
        this.key('seq'),
        this.key('pruned'),
      ]);
      if (epoch === this.epoch) {
        return { epoch: this.epoch, head: Number(head ?? 0), prunedThrough: Number(pruned ?? 0) };
      }
      // The log was recreated (or Redis lost it): adopt the new epoch once, then read again.
      await this.adoptEpoch();
    }
    // A Redis that cannot keep the epoch key (a read-only replica, say) is no usable store.
    throw new StoreUnavailableError('Redis: the log epoch does not hold still');
  }

  async append(events: NewEvent[]): Promise<AppendOutcome> {
    const args = [this.epoch];
    for (const e of events) args.push(e.topic, e.id, e.kind, String(e.ts), e.json);
    const keys = [this.key('epoch'), this.key('log'), this.key('seq'), this.key('ids')];
    let reply = await this.script<number[]>(APPEND, keys, args);
    if (reply[0] === 1) {
      // The log was recreated under us: append to the new one (once).
      await this.adoptEpoch();
      args[0] = this.epoch;
      keys.splice(0, 4, this.key('epoch'), this.key('log'), this.key('seq'), this.key('ids'));
      reply = await this.script<number[]>(APPEND, keys, args);
      if (reply[0] === 1) throw new StoreUnavailableError('Redis: the log epoch keeps changing');
    }
    const results: PublishResult[] = [];
    const appended: StoredEvent[] = [];
    events.forEach((e, i) => {
      const r = Number(reply[i + 1]);
      results.push({ id: e.id, seq: Math.abs(r), duplicate: r < 0 });
      if (r > 0)
        appended.push({ seq: r, topic: e.topic, kind: e.kind, ts: e.ts, json: withSeq(r, e.json) });
    });
    return { results, appended };
  }

  async read(after: number, limit: number): Promise<StoredEvent[]> {
    const entries = await this.run<Entry[]>([
      'XRANGE',
      this.key('log'),
      `(${after}-0`,
      '+',
      'COUNT',
      String(limit),
    ]);
    return entries.map(toStored);
  }

  subscribe(after: number, feed: ChangeFeed): () => void {
    this.feeds.add(feed);
    if (!this.tailing) {
      this.tailing = true;
      void this.tail(after);
    }
    return () => this.feeds.delete(feed);
  }

  /**
   * One tailer per relay: blocking XREAD from the last delivered id, never `$`. Each turn checks
   * the epoch and that seqs follow on; a gap (retention outran a lagging tailer) or a new epoch
   * resets the feeds, whose readers then resume and are told `gap`.
   */
  private async tail(after: number): Promise<void> {
    let last = after;
    let tailing = this.epoch;
    let failures = 0;
    while (!this.closed) {
      try {
        // When idle, every TAIL_BLOCK_MS (the XREAD below blocks that long).
        await this.adoptEpoch();
        // A new log (adopted here or by an append) starts from its first seq.
        if (this.epoch !== tailing) {
          tailing = this.epoch;
          last = 0;
        }
        const reply = await this.tailer.run<[string, Entry[]][] | null>(
          [
            'XREAD',
            'COUNT',
            '1000',
            'BLOCK',
            String(TAIL_BLOCK_MS),
            'STREAMS',
            this.key('log'),
            `${last}-0`,
          ],
          TAIL_BLOCK_MS + (this.options.commandTimeoutMs ?? 5000),
        );
        failures = 0;
        const events = (reply?.[0]?.[1] ?? []).map(toStored);
        if (events.length === 0) continue;
        if (events[0]!.seq !== last + 1) {
          last = events.at(-1)!.seq;
          const position = await this.position();
          for (const feed of this.feeds) feed.reset?.(position);
          continue;
        }
        last = events.at(-1)!.seq;
        for (const feed of this.feeds) feed.committed(events);
      } catch (err) {
        if (this.closed) return;
        this.options.onError?.(err as Error);
        await sleep(retryDelayMs(failures++));
      }
    }
  }

  async prune(now: number): Promise<number> {
    const keys = [this.key('log'), this.key('seq'), this.key('ids'), this.key('pruned')];
    const cutoff = String(now - this.options.maxAgeSeconds * 1000);
    let total = 0;
    for (;;) {
      const n = Number(
        await this.script(PRUNE, keys, [
          String(this.options.maxEvents),
          cutoff,
          String(PRUNE_BATCH),
        ]),
      );
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.feeds.clear();
    // The tailer may be blocked in XREAD: cut it rather than wait for the block to end.
    this.tailer.client.destroy();
    await this.redis.close();
  }
}
