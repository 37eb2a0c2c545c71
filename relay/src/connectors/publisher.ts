import { publishEventSchema, type PublishEvent } from '@herald/shared';
import type { Logger } from 'pino';
import type { ConnectorStats } from './stats';
import type { ConnectorContext } from './types';

/**
 * Hands mapped events to the relay one batch at a time, in upstream order. Each event is checked
 * against the publish schema first, so a mapping that produced something the relay would refuse
 * is counted and skipped instead of failing the whole batch.
 */
export class SerialPublisher {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly stats: ConnectorStats,
    private readonly log: Logger,
  ) {}

  /** Queues events; returns a promise for when they are committed (never rejects). */
  publish(events: PublishEvent[]): Promise<void> {
    const valid = events.filter((event) => {
      const check = publishEventSchema.safeParse(event);
      if (!check.success) {
        this.stats.skipped();
        this.log.warn(
          { id: event.id, issues: check.error.issues.map((i) => i.message) },
          'mapped event rejected by schema; skipped',
        );
      }
      return check.success;
    });
    if (valid.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      try {
        const results = await this.ctx.publish(valid);
        this.stats.published(results.filter((r) => !r.duplicate).length);
      } catch (err) {
        this.stats.error(`publish failed: ${(err as Error).message}`);
        this.log.error(
          { err: (err as Error).message, count: valid.length },
          'publishing connector events failed',
        );
      }
    });
    return this.chain;
  }

  /** Resolves when everything queued so far is committed. */
  idle(): Promise<void> {
    return this.chain;
  }
}
