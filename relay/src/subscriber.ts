import { kindFilter, topicAllowed } from '@herald/shared';
import type { Transport } from './frames';

/** Where a reader's bytes go: a WebSocket or an HTTP stream. */
export interface Sink {
  readonly transport: Transport;
  /** Writes a batch in one corked burst. */
  write(chunks: Buffer[]): void;
  /** Bytes written but not yet taken by the peer. */
  buffered(): number;
  /** Resolves when the peer has taken what was buffered (or the sink closed). */
  drained(): Promise<void>;
  close(code: number, reason: string): void;
}

export interface Reader {
  name: string;
  topics: string[];
  tokenHash: string;
  address: string;
}

/**
 * A reader's topic ACL and kind filter, memoised: a reader sees few distinct topics and kinds.
 * Every path (ws, stream, history, replay) asks this one object.
 */
export class ReadFilter {
  private kindPatterns: string[] | undefined;
  private kindOk!: (kind: string) => boolean;
  // Created on first use: an idle reader (most of them, at scale) never needs them.
  private topicCache: Map<string, boolean> | undefined;
  private kindCache: Map<string, boolean> | undefined;

  /** `scope` (the reader's transport) is part of the key: equal keys take the same bytes. */
  constructor(
    private readonly topics: readonly string[],
    kinds: string[] | undefined,
    private readonly scope = '',
  ) {
    this.setKinds(kinds);
  }

  get kinds(): string[] | undefined {
    return this.kindPatterns;
  }

  /** Equal for readers that accept exactly the same events: the fan-out decides once per key. */
  key = '';

  setKinds(kinds: string[] | undefined): void {
    this.kindPatterns = kinds;
    this.key = this.scope + JSON.stringify([this.topics, kinds ?? null]);
    this.kindOk = kindFilter(kinds);
    this.kindCache = undefined;
  }

  accepts(topic: string, kind: string): boolean {
    const topics = (this.topicCache ??= new Map());
    let topicOk = topics.get(topic);
    if (topicOk === undefined) {
      topicOk = topicAllowed(this.topics, topic);
      if (topics.size < 10_000) topics.set(topic, topicOk);
    }
    if (!topicOk) return false;
    const kinds = (this.kindCache ??= new Map());
    let kindOk = kinds.get(kind);
    if (kindOk === undefined) {
      kindOk = this.kindOk(kind);
      if (kinds.size < 10_000) kinds.set(kind, kindOk);
    }
    return kindOk;
  }
}

/** One connected reader: its filter and its cursor. */
export class Subscriber {
  /** The newest seq this reader has been sent or has had filtered out. */
  lastSent: number;
  /** False while replaying history: live fan-out skips it until it has caught up. */
  live = false;
  closed = false;
  readonly filter: ReadFilter;

  constructor(
    readonly reader: Reader,
    readonly sink: Sink,
    since: number,
    kinds: string[] | undefined,
  ) {
    this.lastSent = since;
    this.filter = new ReadFilter(reader.topics, kinds, sink.transport);
  }

  accepts(topic: string, kind: string): boolean {
    return this.filter.accepts(topic, kind);
  }
}
