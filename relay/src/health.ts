import { statfsSync } from 'node:fs';
import { describeStoreFailure } from './store/failure';

export type Health = { ok: true } | { ok: false; reason: string };

export interface StoreHealthOptions {
  /** A small real round trip to the store (a write, for SQLite); throws when it cannot serve. */
  probe: () => Promise<void> | void;
  /** The directory whose filesystem holds the store, when it is on this machine. */
  dataDir?: string;
  /** Below this many free bytes the store is as good as full. */
  minFreeBytes: number;
  now?: () => number;
}

/** The store is not on a local disk (Redis): no free space to watch. */
class NoDisk extends Error {}

/** How long one answer is reused, so a busy load balancer cannot turn health into disk load. */
const CACHE_MS = 1000;
/**
 * How long a failed append keeps health red without a later success to clear it: long enough
 * for a load balancer's check to see it, short enough that an instance taken out of rotation
 * (so nobody publishes to it) comes back by itself once its store recovered.
 */
const APPEND_FAILURE_MS = 10_000;

/**
 * Whether the relay can accept and serve events. A probe write alone can pass on a full disk
 * (SQLite reuses WAL space it already has), so the free space and the latest append outcome
 * count too; the append failure expires so a relay that nobody publishes to can turn green.
 */
export class StoreHealth {
  private cached?: { at: number; health: Health };
  private appendFailure?: { at: number; reason: string };
  private readonly now: () => number;

  constructor(private readonly options: StoreHealthOptions) {
    this.now = options.now ?? Date.now;
  }

  appendFailed(err: unknown): void {
    this.appendFailure = { at: this.now(), reason: describeStoreFailure(err) };
    this.cached = undefined;
  }

  appendSucceeded(): void {
    if (this.appendFailure) this.cached = undefined;
    this.appendFailure = undefined;
  }

  async check(): Promise<Health> {
    const t = this.now();
    if (this.cached && t - this.cached.at < CACHE_MS) return this.cached.health;
    const health = await this.measure(t);
    this.cached = { at: t, health };
    return health;
  }

  private async measure(t: number): Promise<Health> {
    try {
      await this.options.probe();
    } catch (err) {
      return { ok: false, reason: `store: ${describeStoreFailure(err)}` };
    }
    try {
      if (this.options.dataDir === undefined) throw new NoDisk();
      const fs = statfsSync(this.options.dataDir);
      const free = fs.bavail * fs.bsize;
      if (free < this.options.minFreeBytes) {
        return {
          ok: false,
          reason: `disk full: ${Math.floor(free / 1024)} KiB free for the store`,
        };
      }
    } catch (err) {
      if (!(err instanceof NoDisk))
        return { ok: false, reason: `store: ${(err as Error).message}` };
    }
    if (this.appendFailure && t - this.appendFailure.at < APPEND_FAILURE_MS) {
      return { ok: false, reason: `publishing failed: ${this.appendFailure.reason}` };
    }
    return { ok: true };
  }
}
