import { KINDS, kindSchema, type Action, type PublishEvent } from '@herald/shared';
import { z } from 'zod';
import { BODY_MAX, TITLE_MAX, clip, dotted, humanize, topicSegment, unixToIso } from './text';

const id = z.union([z.string().min(1).max(150), z.number()]).transform(String);
const optText = z.string().nullish().catch(undefined);

const schemas = {
  sent: z.looseObject({
    from: z.string(),
    to: z.string(),
    body: z.string().catch(''),
    at: z.unknown(),
  }),
  approval_added: z.looseObject({
    id,
    agent: z.string(),
    approval_kind: z.string(),
    sha_short: optText,
    description: optText,
  }),
  approval_resolved: z.looseObject({
    id,
    agent: z.string(),
    approval_kind: z.string(),
    sha_short: optText,
    status: z.string(),
    resolved_at: z.unknown(),
    note: optText,
    description: optText,
  }),
  question_added: z.looseObject({
    id,
    asker: z.string(),
    question: z.string(),
    options: z.array(z.unknown()).catch([]),
    multi: z.boolean().catch(false),
    asked_at: z.unknown(),
  }),
  question_resolved: z.looseObject({
    id,
    answer: z.unknown(),
    answerer: z.string().catch('someone'),
    answered_at: z.unknown(),
    cancelled: z.boolean().catch(false),
  }),
  transient_set: z.looseObject({
    name: z.string(),
    transient_kind: z.string(),
    since_unix: z.unknown(),
  }),
  transient_cleared: z.looseObject({ name: z.string() }),
};

/** What the mapper remembers between events, so a resolution can say what it resolves. */
export interface AgentsMemory {
  questions: Map<string, { asker: string; question: string }>;
  transients: Map<string, string>;
}

export interface AgentsMapOptions {
  topic: string;
  /** Events that name an agent go to `<topic>/<agent>`; false keeps everything on `<topic>`. */
  perAgentTopics: boolean;
  dashboardUrl: string;
}

type Mapped = Omit<PublishEvent, 'id' | 'topic' | 'source' | 'data' | 'url'> & { agent?: string };

const APPROVAL_WORDS: Record<string, string> = {
  approved: 'Approved',
  denied: 'Denied',
  failed: 'Failed',
};

function approvalSubject(e: {
  description?: string | null;
  approval_kind: string;
  sha_short?: string | null;
}) {
  if (e.description) return e.description;
  if (e.approval_kind === 'apply_commit') return `apply commit ${e.sha_short ?? ''}`.trim();
  return humanize(e.approval_kind).toLowerCase();
}

const APPROVAL_ACTIONS: Action[] = [
  { id: 'approve', title: 'Approve', input: 'none' },
  { id: 'deny', title: 'Deny', input: 'none' },
];

/**
 * A single-choice question: one button per option (`option-1`…), so a toast can carry two. Many
 * choices: one `choose` action with the options. Always a typed answer too.
 */
function questionActions(options: string[], multi: boolean): Action[] {
  const usable = options.filter((o) => o.length > 0).slice(0, 20);
  const typed: Action = { id: 'answer', title: 'Answer…', input: 'text' };
  if (usable.length === 0) return [typed];
  if (multi) {
    const picks = usable.map((o) => clip(o, 200));
    return [{ id: 'choose', title: 'Choose…', input: 'choices', options: picks }, typed];
  }
  const buttons = usable
    .slice(0, 7)
    .map((o, i): Action => ({ id: `option-${i + 1}`, title: clip(o, 40), input: 'none' }));
  return [...buttons, typed];
}

function answerText(answer: unknown): string {
  if (Array.isArray(answer)) return answer.map(String).join(', ');
  return answer === undefined || answer === null ? '' : String(answer);
}

function remember<K, V>(map: Map<K, V>, key: K, value: V) {
  map.set(key, value);
  if (map.size > 5000) map.delete(map.keys().next().value as K);
}

function mapKnown(
  kind: string,
  raw: Record<string, unknown>,
  mem: AgentsMemory,
): Mapped | 'malformed' | null {
  switch (kind) {
    case 'sent':
    case 'delivered': {
      const e = schemas.sent.safeParse(raw);
      if (!e.success) return 'malformed';
      const title = kind === 'sent' ? `${e.data.from} → ${e.data.to}` : `Delivered to ${e.data.to}`;
      return {
        kind: KINDS.agentMessage,
        title,
        body: e.data.body,
        at: unixToIso(e.data.at),
        agent: e.data.from,
      };
    }
    case 'approval_added': {
      const e = schemas.approval_added.safeParse(raw);
      if (!e.success) return 'malformed';
      return {
        kind: KINDS.agentApprovalAdded,
        tag: `approval:${e.data.id}`,
        title: `Approval needed: ${approvalSubject(e.data)}`,
        body: dotted([`from ${e.data.agent}`, humanize(e.data.approval_kind), e.data.sha_short]),
        sticky: true,
        actions: APPROVAL_ACTIONS,
        agent: e.data.agent,
      };
    }
    case 'approval_resolved': {
      const e = schemas.approval_resolved.safeParse(raw);
      if (!e.success) return 'malformed';
      const word = APPROVAL_WORDS[e.data.status] ?? humanize(e.data.status);
      return {
        kind: KINDS.agentApprovalResolved,
        tag: `approval:${e.data.id}`,
        title: `${word}: ${approvalSubject(e.data)}`,
        body: dotted([`${word.toLowerCase()} for ${e.data.agent}`, e.data.note]),
        resolves: true,
        at: unixToIso(e.data.resolved_at),
        agent: e.data.agent,
      };
    }
    case 'question_added': {
      const e = schemas.question_added.safeParse(raw);
      if (!e.success) return 'malformed';
      remember(mem.questions, e.data.id, { asker: e.data.asker, question: e.data.question });
      const options = e.data.options.map(String);
      return {
        kind: KINDS.agentQuestionAdded,
        tag: `question:${e.data.id}`,
        title: `${e.data.asker} asks: ${e.data.question}`,
        body: dotted([
          options.length
            ? `${e.data.multi ? 'Pick any of' : 'Options'}: ${options.join(' / ')}`
            : null,
        ]),
        sticky: true,
        actions: questionActions(options, e.data.multi),
        at: unixToIso(e.data.asked_at),
        agent: e.data.asker,
      };
    }
    case 'question_resolved': {
      const e = schemas.question_resolved.safeParse(raw);
      if (!e.success) return 'malformed';
      const asked = mem.questions.get(e.data.id);
      const subject = asked?.question ?? `question ${e.data.id}`;
      return {
        kind: KINDS.agentQuestionResolved,
        tag: `question:${e.data.id}`,
        title: e.data.cancelled ? `Question withdrawn: ${subject}` : `Answered: ${subject}`,
        body: e.data.cancelled
          ? ''
          : `“${answerText(e.data.answer)}” answered by ${e.data.answerer}`,
        resolves: true,
        at: unixToIso(e.data.answered_at),
        agent: asked?.asker,
      };
    }
    case 'transient_set': {
      const e = schemas.transient_set.safeParse(raw);
      if (!e.success) return 'malformed';
      remember(mem.transients, e.data.name, e.data.transient_kind);
      return {
        kind: KINDS.agentLifecycle,
        tag: `lifecycle:${e.data.name}`,
        title: `${e.data.name} is ${e.data.transient_kind}`,
        at: unixToIso(e.data.since_unix),
        agent: e.data.name,
      };
    }
    case 'transient_cleared': {
      const e = schemas.transient_cleared.safeParse(raw);
      if (!e.success) return 'malformed';
      const was = mem.transients.get(e.data.name);
      mem.transients.delete(e.data.name);
      // The agent is settled again: clear its "spawning…" toast rather than raise another.
      return {
        kind: KINDS.agentLifecycle,
        tag: `lifecycle:${e.data.name}`,
        title: was ? `${e.data.name} finished ${was}` : `${e.data.name} is settled`,
        resolves: true,
        agent: e.data.name,
      };
    }
    default:
      return null;
  }
}

/** A kind the dashboard added after this was written still reaches people, as a generic event. */
function mapUnknown(kind: string, raw: Record<string, unknown>): Mapped {
  const candidate = `agent.${kind.toLowerCase()}`;
  const named = [raw.agent, raw.name, raw.asker, raw.from].find((v) => typeof v === 'string') as
    | string
    | undefined;
  return {
    kind: kindSchema.safeParse(candidate).success ? candidate : 'agent.other',
    title: dotted([humanize(kind), named]),
    agent: named,
  };
}

/** Maps one dashboard event (already known to carry `kind` and `seq`) to a Herald event. */
export function mapAgentEvent(
  raw: Record<string, unknown> & { kind: string },
  eventId: string,
  mem: AgentsMemory,
  opts: AgentsMapOptions,
): PublishEvent | 'malformed' {
  const mapped = mapKnown(raw.kind, raw, mem) ?? mapUnknown(raw.kind, raw);
  if (mapped === 'malformed') return 'malformed';
  const { agent, at, ...rest } = mapped;
  return {
    ...rest,
    id: eventId,
    topic: agent && opts.perAgentTopics ? `${opts.topic}/${topicSegment(agent)}` : opts.topic,
    title: clip(mapped.title, TITLE_MAX),
    body: clip(mapped.body ?? '', BODY_MAX),
    sticky: mapped.sticky ?? false,
    resolves: mapped.resolves ?? false,
    url: opts.dashboardUrl,
    source: 'agents',
    ...(at ? { at } : {}),
    data: raw,
  };
}
