import type { Action, HeraldEvent } from '@herald/shared';

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

export const APPROVAL_ACTIONS: Action[] = [
  { id: 'approve', title: 'Approve', input: 'none' },
  { id: 'deny', title: 'Deny', input: 'none' },
];

/** An agent's approval request, as the agents connector declares it: Approve / Deny. */
export function approval(seq: number, id: string, over: Partial<HeraldEvent> = {}): HeraldEvent {
  return makeEvent(seq, {
    topic: 'agents/alpha',
    kind: 'agent.approval_added',
    tag: `approval:${id}`,
    title: `Approval needed: Bump zod to 4.6`,
    body: '',
    url: `https://agents.example/approvals/${id}`,
    source: 'agents',
    sticky: true,
    actions: APPROVAL_ACTIONS,
    ...over,
  });
}

/** The relay's `herald.decided` after someone answered the event `answered`. */
export function decidedEvent(seq: number, answered: HeraldEvent, by = 'alice'): HeraldEvent {
  return makeEvent(seq, {
    id: `decided-r${seq}`,
    topic: answered.topic,
    kind: 'herald.decided',
    tag: answered.tag,
    title: 'Approved: Bump zod to 4.6',
    body: `by ${by}`,
    url: undefined,
    source: 'herald',
    resolves: true,
    data: { requestId: `r${seq}`, action: 'approve', by, seq: answered.seq },
  });
}
