import type { HeraldEvent } from '@herald/shared';

/** A relay envelope as the relay would send it; tests override what they care about. */
export function makeEvent(seq: number, over: Partial<HeraldEvent> = {}): HeraldEvent {
  return {
    seq,
    id: `ev-${seq}`,
    topic: 'tickets',
    kind: 'ticket.status_changed',
    tag: `ticket:${seq}`,
    title: `Ticket ${seq} moved`,
    body: 'in_progress → blocked',
    url: `https://tracker.example/tickets/${seq}`,
    sticky: false,
    resolves: false,
    source: 'tracker',
    at: '2026-04-24T13:00:00Z',
    ts: 1_777_000_000_000 + seq,
    ...over,
  };
}

export function proposed(seq: number, ticket: string): HeraldEvent {
  return makeEvent(seq, {
    kind: 'ticket.proposed_resolution',
    tag: `ticket:${ticket}`,
    title: `Resolution proposed: ${ticket}`,
    url: `https://tracker.example/tickets/${ticket}`,
    sticky: true,
  });
}
