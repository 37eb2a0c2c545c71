// What the upstream systems say, in their own formats (docs/upstreams.md): the tracker's
// `/tickets/watch` lines and the agent dashboard's events, as the fakes here push them.
import { randomUUID } from 'node:crypto';
import type { DashboardEvent } from './agents';

export interface Ticket {
  id: string;
  title: string;
}

// Every line gets its own `at`: the connector derives event ids from the line's content, and two
// identical lines are (rightly) one event.
let clock = Date.parse('2026-04-24T13:00:00Z');
const nextAt = () => new Date((clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function newTicket(title: string): Ticket {
  return { id: randomUUID(), title };
}

const ACTIONS: Record<string, string> = {
  in_progress: 'start',
  blocked: 'block',
  proposed_resolution: 'propose_resolution',
  resolved: 'accept_resolution',
  rejected: 'reject_resolution',
  closed: 'close',
};

/** One `/tickets/watch` mutation line. */
export function ticketMove(ticket: Ticket, statusAfter: string, statusBefore = 'open') {
  return {
    ticket_id: ticket.id,
    title: ticket.title,
    status_before: statusBefore,
    status_after: statusAfter,
    by: statusAfter === 'proposed_resolution' ? 'handler' : 'alice',
    action: ACTIONS[statusAfter] ?? statusAfter,
    at: nextAt(),
    priority: 'P2',
    labels: [],
  };
}

/** The page the tracker shows a ticket on (and the toast opens). */
export function ticketUrl(trackerUrl: string, ticket: Ticket): string {
  return `${trackerUrl}/tickets/${ticket.id}`;
}

export function approvalAdded(id: string, sha: string): DashboardEvent {
  return {
    kind: 'approval_added',
    id,
    agent: 'alpha',
    approval_kind: 'apply_commit',
    sha_short: sha,
  };
}

export function approvalResolved(id: string, sha: string): DashboardEvent {
  return {
    kind: 'approval_resolved',
    id,
    agent: 'alpha',
    approval_kind: 'apply_commit',
    sha_short: sha,
    status: 'approved',
    resolved_at: Math.floor(Date.now() / 1000),
  };
}

export function agentRestarting(name: string): DashboardEvent {
  return {
    kind: 'transient_set',
    name,
    transient_kind: 'restarting',
    since_unix: Math.floor(Date.now() / 1000),
  };
}
