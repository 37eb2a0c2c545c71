import { KINDS, type Action, type PublishEvent } from '@herald/shared';
import { z } from 'zod';
import { joinUrl } from './config-common';
import { contentId } from './content-id';
import { BODY_MAX, TITLE_MAX, clip, dotted, humanize } from './text';

/** Housekeeping lines carry `event`; ticket mutations never do. Unknown fields are kept. */
const housekeepingSchema = z.looseObject({ event: z.string(), at: z.unknown().optional() });
const laggedSchema = z.looseObject({
  event: z.literal('lagged'),
  // A count we cannot read still means updates were lost: say "some" rather than nothing.
  dropped: z.number().int().positive().nullable().catch(null),
});

const mutationSchema = z.looseObject({
  ticket_id: z.string().min(1).max(150),
  status_after: z.string().min(1).max(100),
  by: z.string().max(200),
  action: z.string().max(200),
  title: z.string().optional().catch(undefined),
  status_before: z.string().optional().catch(undefined),
  at: z.iso.datetime({ offset: true }).optional().catch(undefined),
  priority: z.string().max(20).optional().catch(undefined),
  resolution: z.string().optional().catch(undefined),
});
type Mutation = z.infer<typeof mutationSchema>;

const STATUS_TITLES: Record<string, string> = {
  proposed_resolution: 'Resolution proposed',
  in_progress: 'In progress',
  blocked: 'Blocked',
  resolved: 'Resolved',
  rejected: 'Rejected',
  closed: 'Closed',
};

const TICKET_ACTIONS: Action[] = [
  { id: 'accept', title: 'Accept', input: 'none' },
  { id: 'reject', title: 'Reject', input: 'none' },
];

export interface TicketsMapOptions {
  /** Connector name: part of every id, so two trackers never share ids. */
  name: string;
  baseUrl: string;
  topic: string;
}

export type LineOutcome =
  | { type: 'event'; event: PublishEvent }
  | { type: 'housekeeping' }
  | { type: 'malformed'; reason: string };

function statusTitle(m: Mutation): string {
  if (m.status_after === 'open') return m.status_before ? 'Reopened' : 'Opened';
  return STATUS_TITLES[m.status_after] ?? humanize(m.status_after);
}

function mapMutation(m: Mutation, raw: unknown, opts: TicketsMapOptions): PublishEvent {
  const subject = m.title?.trim() || `ticket ${m.ticket_id.slice(0, 8)}`;
  const proposed = m.status_after === 'proposed_resolution';
  return {
    id: contentId(`tickets-${opts.name}`, raw),
    topic: opts.topic,
    kind: proposed ? KINDS.ticketProposedResolution : KINDS.ticketStatusChanged,
    // One toast per ticket: every transition replaces the previous one by tag, including the
    // move out of proposed_resolution (a status change in its own right, not a silent clear).
    tag: `ticket:${m.ticket_id}`,
    title: clip(`${statusTitle(m)}: ${subject}`, TITLE_MAX),
    body: clip(dotted([m.by && `by ${m.by}`, m.priority, m.resolution]), BODY_MAX),
    url: joinUrl(opts.baseUrl, `tickets/${encodeURIComponent(m.ticket_id)}`),
    sticky: proposed,
    resolves: false,
    // A human accepts or rejects a proposed resolution
    // (docs/upstreams.md#answers-the-upstreams-write-side).
    ...(proposed && { actions: TICKET_ACTIONS }),
    source: 'tracker',
    ...(m.at ? { at: m.at } : {}),
    data: raw,
  };
}

/** Turns one NDJSON line from `/tickets/watch` into a Herald event, nothing, or a skip. */
export function mapTicketLine(line: string, opts: TicketsMapOptions): LineOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { type: 'malformed', reason: 'not JSON' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { type: 'malformed', reason: 'not a JSON object' };
  }
  if (housekeepingSchema.safeParse(raw).success) {
    const lagged = laggedSchema.safeParse(raw);
    if (!lagged.success) return { type: 'housekeeping' };
    const at = z.iso.datetime({ offset: true }).safeParse((raw as { at?: unknown }).at);
    const n = lagged.data.dropped;
    const what =
      n === null ? 'Some ticket updates' : `${n} ticket ${n === 1 ? 'update' : 'updates'}`;
    return {
      type: 'event',
      event: {
        id: contentId(`tickets-${opts.name}-lagged`, raw),
        topic: opts.topic,
        kind: KINDS.ticketLagged,
        tag: `tickets:${opts.name}:lagged`,
        title: `${what} may have been missed`,
        body: 'The tracker dropped updates for this connection; check the ticket list.',
        url: joinUrl(opts.baseUrl, 'tickets'),
        sticky: false,
        resolves: false,
        source: 'tracker',
        ...(at.success ? { at: at.data } : {}),
        data: raw,
      },
    };
  }
  const mutation = mutationSchema.safeParse(raw);
  if (!mutation.success) {
    const field = mutation.error.issues[0]?.path.join('.') || 'line';
    return { type: 'malformed', reason: `invalid ticket mutation (${field})` };
  }
  return { type: 'event', event: mapMutation(mutation.data, raw, opts) };
}
