import type { PublishEvent } from '@herald/shared';
import { nowMicros } from './ipc';

/**
 * The events every server carries. The body is padded so that the frame a client receives
 * (Herald's `{type:"event",event:{…}}` envelope) is about 300 bytes; `data.t0` is the publisher's
 * monotonic clock (µs) taken just before the HTTP request, which the sampling clients subtract.
 */
const BODY = 'Now waiting for customer.';

let counter = 0;
const runId = Math.random().toString(36).slice(2, 8);

export function makeEvents(n: number): PublishEvent[] {
  const t0 = nowMicros();
  const out: PublishEvent[] = [];
  for (let i = 0; i < n; i++) {
    counter++;
    out.push({
      id: `b-${runId}-${counter}`,
      topic: 'bench/tickets',
      kind: 'ticket.status_changed',
      title: `T-${counter % 100000} is waiting for you`,
      body: BODY,
      data: { t0 },
    });
  }
  return out;
}

/** What a peer server sends for a published event: the same envelope Herald sends. */
export function envelope(ev: PublishEvent, seq: number): unknown {
  const ts = Date.now();
  return {
    type: 'event',
    event: {
      seq,
      id: ev.id,
      topic: ev.topic,
      kind: ev.kind,
      tag: ev.tag ?? ev.id,
      title: ev.title,
      body: ev.body ?? '',
      sticky: ev.sticky ?? false,
      resolves: ev.resolves ?? false,
      source: ev.source,
      at: new Date(ts).toISOString(),
      ts,
      data: ev.data,
    },
  };
}
