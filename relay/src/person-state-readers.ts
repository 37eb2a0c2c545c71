import type { StateEntry, StateSnapshot } from '@herald/shared';
import { stateFrame } from './frames';
import type { PersonStateStore } from './store/person-state';

/** One socket that asked for its person's state (`hello` with `stateSince`). */
export interface StateReader {
  readonly user: string;
  /** The newest rev this reader has been sent. */
  rev: number;
  /** Changes that arrived while a snapshot was being read; undefined while live. */
  held: StateEntry[] | undefined;
  closed: boolean;
  write(frame: Buffer): void;
}

/**
 * Delivers each person's state to their sockets: a snapshot first (before the event replay),
 * then every change from the store's feed, wherever it was made. Revs of one person follow on
 * without holes, so a hole means a change was missed (a feed that lost its place): the reader
 * is caught up from the store instead of being left behind.
 */
export class PersonStateReaders {
  private readonly byUser = new Map<string, Set<StateReader>>();

  constructor(private readonly store: Pick<PersonStateStore, 'read'>) {}

  /** Sends `user`'s state after `since`, then keeps the reader live until `detach`. */
  async attach(user: string, since: number, write: (frame: Buffer) => void): Promise<StateReader> {
    const reader: StateReader = { user, rev: since, held: [], closed: false, write };
    let readers = this.byUser.get(user);
    if (!readers) this.byUser.set(user, (readers = new Set()));
    readers.add(reader);
    try {
      await this.catchUp(reader, true);
    } catch (err) {
      this.detach(reader);
      throw err;
    }
    return reader;
  }

  detach(reader: StateReader): void {
    reader.closed = true;
    const readers = this.byUser.get(reader.user);
    readers?.delete(reader);
    if (readers?.size === 0) this.byUser.delete(reader.user);
  }

  /** The store's feed: changes committed for `user`, in rev order. */
  changed(user: string, entries: StateEntry[]): void {
    for (const reader of this.byUser.get(user) ?? []) {
      if (reader.held) reader.held.push(...entries);
      else this.deliver(reader, entries);
    }
  }

  /** How many sockets follow some person's state (for /healthz and tests). */
  get size(): number {
    let n = 0;
    for (const readers of this.byUser.values()) n += readers.size;
    return n;
  }

  private deliver(reader: StateReader, entries: StateEntry[]): void {
    const fresh = entries.filter((e) => e.rev > reader.rev);
    if (fresh.length === 0) return;
    if (fresh[0]!.rev !== reader.rev + 1) {
      reader.held = [];
      void this.catchUp(reader, false).catch(() => {
        // The store failed: the next change tries again (its rev will not follow on either).
        reader.held = undefined;
      });
      return;
    }
    this.send(reader, { head: fresh.at(-1)!.rev, reset: false, entries: fresh });
  }

  /** Reads what the reader lacks, sends it, then what arrived meanwhile; live after that. */
  private async catchUp(reader: StateReader, answersHello: boolean): Promise<void> {
    const snapshot = await this.store.read(reader.user, reader.rev);
    if (reader.closed) return;
    // The frame that answers the hello goes even when empty: it tells the browser the head.
    if (answersHello || snapshot.entries.length > 0 || snapshot.reset) this.send(reader, snapshot);
    const held = reader.held ?? [];
    reader.held = undefined;
    if (held.length > 0) this.deliver(reader, held);
  }

  private send(reader: StateReader, snapshot: StateSnapshot): void {
    reader.rev = snapshot.head;
    reader.write(stateFrame(snapshot));
  }
}
