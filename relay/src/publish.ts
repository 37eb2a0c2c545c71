import { publishEventSchema, type PublishResult } from '@herald/shared';
import type { z } from 'zod';
import type { Fanout } from './fanout';
import type { Metrics } from './metrics';
import type { EventLog, NewEvent } from './store/log';

export type ValidEvent = z.infer<typeof publishEventSchema>;

/** Fills in the envelope: tag defaults to the id, `at` to now, `source` to the publisher's name. */
export function toNewEvent(e: ValidEvent, now: number, sourceName: string): NewEvent {
  const envelope: Record<string, unknown> = {
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
    ...(e.data !== undefined && { data: e.data }),
  };
  return { id: e.id, topic: e.topic, kind: e.kind, ts: now, envelope };
}

/** Appends validated events and hands the new ones to fan-out: the one path every producer takes. */
export class Publishing {
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly fanout: Fanout,
    private readonly metrics: Metrics,
  ) {}

  async publish(events: ValidEvent[], sourceName: string): Promise<PublishResult[]> {
    this.inFlight++;
    try {
      const now = Date.now();
      const outcome = await this.log.append(events.map((e) => toNewEvent(e, now, sourceName)));
      this.metrics.eventsIn.inc(outcome.appended.length);
      this.metrics.duplicates.inc(events.length - outcome.appended.length);
      this.metrics.head.set(this.log.head());
      if (outcome.appended.length > 0) this.fanout.publish(outcome.appended);
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
