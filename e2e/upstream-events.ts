// What the upstream systems say, in their own formats (docs/upstreams.md), and what the relay
// reports about itself.
import { randomUUID } from 'node:crypto';
import type { PublishEvent } from '@herald/shared';
import type { DashboardEvent } from '@herald/testkit/upstreams';

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

/** A job runner's event, published through `POST /v1/events` (an "other source"). */
export function jobEvent(run: string, n: number): PublishEvent {
  return {
    id: `${run}-${n}`,
    topic: 'jobs/ci',
    kind: 'job.completed',
    tag: `job:${run}-${n}`,
    title: `Build ${run} #${n} passed`,
    body: 'main · 42 s',
    source: 'ci',
  };
}

/** One sample of a Prometheus counter or gauge without labels from the relay's `/metrics`. */
export async function relayMetric(relayUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${relayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`relay has no metric ${name}`);
  return Number(line.slice(name.length + 1));
}
