import {
  MAX_ENVELOPE_BYTES,
  publishEventSchema,
  type EnvelopeWithoutSeq,
  type PublishResult,
} from '@herald/shared';
import type { z } from 'zod';
import { HttpError } from './errors';
import type { StoreHealth } from './health';
import type { Metrics } from './metrics';
import { isStoreFailure } from './store/failure';
import type { EventLog, NewEvent } from './store/log';

export type ValidEvent = z.infer<typeof publishEventSchema>;

/**
 * Fills in the envelope (tag defaults to the id, `at` to now, `source` to the publisher's name)
 * and encodes it once. An envelope that would not fit in one WebSocket frame is refused here,
 * where the producer can hear it, instead of going out as a frame readers refuse forever.
 */
export function toNewEvent(
  e: ValidEvent,
  now: number,
  sourceName: string,
  origin?: string,
): NewEvent {
  // Typed from the protocol so a schema change cannot drift past here; the key order is the
  // order every reader sees.
  const envelope: EnvelopeWithoutSeq = {
    id: e.id,
    topic: e.topic,
    kind: e.kind,
    tag: e.tag ?? e.id,
    title: e.title,
    body: e.body,
    ...(e.url !== undefined && { url: e.url }),
    sticky: e.sticky,
    resolves: e.resolves,
    source: e.source ?? sourceName,
    at: e.at ?? new Date(now).toISOString(),
    ts: now,
    ...(e.actions !== undefined && e.actions.length > 0 && { actions: e.actions }),
    ...(origin !== undefined && { origin }),
    ...(e.data !== undefined && { data: e.data }),
  };
  const json = JSON.stringify(envelope);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_ENVELOPE_BYTES) {
    throw new HttpError(
      'event_too_large',
      `event ${e.id} is ${bytes} bytes as an envelope; the limit is ${MAX_ENVELOPE_BYTES} ` +
        '(one 64 KiB frame): shrink data or body',
    );
  }
  return { id: e.id, topic: e.topic, kind: e.kind, ts: now, json };
}

/**
 * Appends validated events: the one path every producer takes. It only appends; delivery
 * follows from the log's change feed, so an append by another relay is delivered the same way.
 */
export class Publishing {
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly metrics: Metrics,
    private readonly health: StoreHealth,
  ) {}

  /** `origin` (`publisher:ci`, `connector:tracker`) is where answers to the events go. */
  async publish(
    events: ValidEvent[],
    sourceName: string,
    origin?: string,
  ): Promise<PublishResult[]> {
    const now = Date.now();
    // `herald.*` kinds are the relay's word (a decision clears everyone's toast): nobody else's.
    const forged =
      origin === 'relay' ? undefined : events.find((e) => e.kind.startsWith('herald.'));
    if (forged) {
      throw new HttpError(
        'invalid_event',
        `kind ${forged.kind} is the relay's own (event ${forged.id})`,
      );
    }
    // Encoded (and size-checked) before anything is written: a batch is all or nothing.
    const fresh = events.map((e) => toNewEvent(e, now, sourceName, origin));
    this.inFlight++;
    try {
      let outcome;
      try {
        outcome = await this.log.append(fresh);
      } catch (err) {
        if (!isStoreFailure(err)) throw err;
        this.health.appendFailed(err);
        throw new HttpError('store_unavailable', 'the event log cannot take writes; retry later', {
          retryAfterSeconds: 5,
          cause: err,
        });
      }
      this.health.appendSucceeded();
      this.metrics.eventsIn.inc(outcome.appended.length);
      this.metrics.duplicates.inc(events.length - outcome.appended.length);
      return outcome.results;
    } finally {
      if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Resolves when no publish is between validation and commit (graceful shutdown). */
  settled(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }
}
