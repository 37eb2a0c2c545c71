import { MAX_ENVELOPE_BYTES, publishEventSchema, type PublishEvent } from '@herald/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { HttpError } from '../errors';
import type { ConnectorStats } from './stats';
import type { ConnectorContext } from './types';

/** What the relay adds around a producer's event (seq, ts, at, tag, source, defaults). */
const ENVELOPE_SLACK = 400;
/** How long a batch is retried while the store is failing, before it is given up (loudly). */
const STORE_RETRY_MS = 30_000;

/**
 * Upstream payloads can be large; the event must still fit in one frame. The raw `data` is the
 * part a reader can do without (title, body and url carry the notification), so it goes first.
 */
function fitted(event: PublishEvent, logger: Logger): PublishEvent {
  if (event.data === undefined) return event;
  if (Buffer.byteLength(JSON.stringify(event)) + ENVELOPE_SLACK <= MAX_ENVELOPE_BYTES) return event;
  logger.warn(
    { id: event.id },
    'upstream payload over the event size limit; published without data',
  );
  const { data: _dropped, ...rest } = event;
  return rest;
}

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
    private readonly logger: Logger,
  ) {}

  /** Queues events; returns a promise for when they are committed (never rejects). */
  publish(events: PublishEvent[]): Promise<void> {
    const valid = events
      .map((e) => fitted(e, this.logger))
      .filter((event) => {
        const check = publishEventSchema.safeParse(event);
        if (!check.success) {
          this.stats.skipped();
          this.logger.warn(
            { id: event.id, issues: check.error.issues.map((i) => i.message) },
            'mapped event rejected by schema; skipped',
          );
        }
        return check.success;
      });
    if (valid.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      // A failing store is usually brief (a full disk being cleared): hold the batch, in order,
      // and retry, so an upstream event is not dropped for a hiccup the relay recovers from.
      const giveUpAt = Date.now() + STORE_RETRY_MS;
      for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
        try {
          const results = await this.ctx.publish(valid);
          this.stats.published(results.filter((r) => !r.duplicate).length);
          return;
        } catch (err) {
          const retry =
            err instanceof HttpError && err.code === 'store_unavailable' && Date.now() < giveUpAt;
          this.stats.error(`publish failed: ${(err as Error).message}`);
          this.logger.error(
            { err: (err as Error).message, count: valid.length, retry },
            retry
              ? 'store failing; retrying connector events'
              : 'publishing connector events failed',
          );
          if (!retry) return;
          await sleep(delay);
        }
      }
    });
    return this.chain;
  }

  /** Resolves when everything queued so far is committed. */
  idle(): Promise<void> {
    return this.chain;
  }
}
