import { z } from 'zod';
import { LIMITS, nestingDepth } from './limits';

/** `tickets`, `agents/alpha`: slash-separated segments of letters, digits, `.`, `_`, `-`. */
export const topicSchema = z
  .string()
  .max(200)
  .regex(
    /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
    'topic must be slash-separated segments of [A-Za-z0-9._-]',
  );

/**
 * A topic a user may read or a publisher may write: a topic where a segment may be `*`
 * (exactly one segment) and the last segment may be `**` (any number of segments, including none).
 */
export const topicPatternSchema = z
  .string()
  .max(200)
  .regex(
    /^(\*\*|([A-Za-z0-9._-]+|\*)(\/([A-Za-z0-9._-]+|\*))*(\/\*\*)?)$/,
    'topic pattern must be segments of [A-Za-z0-9._-] or `*`, optionally ending in `/**`',
  );

/** `ticket.proposed_resolution`, `agent.approval_added`, `job.failed`. */
export const kindSchema = z
  .string()
  .max(100)
  .regex(/^[a-z0-9_]+(\.[a-z0-9_-]+)*$/, 'kind must be dot-separated lowercase words');

/**
 * A kind filter: exact kinds, prefixes (`agent.*`), everything (`*`), and exclusions (`!agent.message`).
 * An event matches when it matches some positive pattern (or there is none) and no exclusion.
 */
export const kindPatternSchema = z
  .string()
  .max(101)
  .regex(
    /^!?(\*|[a-z0-9_]+(\.[a-z0-9_-]+)*(\.\*)?)$/,
    'kind pattern must be a kind, a prefix like `agent.*`, `*`, or one of those after `!`',
  );

export const kindFilterSchema = z.array(kindPatternSchema).max(100);

export const producerIdSchema = z.string().min(1).max(200);
const producerId = producerIdSchema;

/** `accept`, `approve`, `option-2`: names one action of an event. */
export const actionIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'action id must be lowercase letters, digits, `-`, `_`');

/**
 * Something a person can do about an event from where they read it (a toast button, the popup).
 * `input` says what the answer carries: nothing (`none`, a button), `text` (typed), or `choices`
 * (any of `options`).
 */
export const actionSchema = z
  .object({
    id: actionIdSchema,
    title: z.string().min(1).max(40),
    input: z.enum(['none', 'text', 'choices']).default('none'),
    options: z.array(z.string().min(1).max(200)).min(1).max(20).optional(),
  })
  .refine((a) => (a.input === 'choices') === (a.options !== undefined), {
    message: 'options go with input `choices`, and only with it',
  });
export type Action = z.infer<typeof actionSchema>;

/** What a producer sends to `POST /v1/events`; the relay fills in the rest of the envelope. */
export const publishEventSchema = z.object({
  id: producerId,
  topic: topicSchema,
  kind: kindSchema,
  /** The notification this one replaces (`ticket:<id>`); defaults to the event id. */
  tag: z.string().min(1).max(200).optional(),
  title: z.string().min(1).max(300),
  body: z.string().max(4000).default(''),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  /** Waits on a human: the extension keeps its toast until acted upon. */
  sticky: z.boolean().default(false),
  /** Resolves its tag: the extension clears the toast with that tag instead of raising one. */
  resolves: z.boolean().default(false),
  /** Where it came from, shown as the toast's context (`tracker`, `agents`, `ci`). */
  source: z.string().max(100).optional(),
  /** When it happened upstream (ISO 8601); defaults to when the relay accepted it. */
  at: z.iso.datetime({ offset: true }).optional(),
  /**
   * What a person may answer, in order (a toast shows the first two buttons). A publisher that
   * declares actions needs an action URL (`publisher add --action-url`) to receive the answers.
   */
  actions: z
    .array(actionSchema)
    .max(8)
    .refine((list) => new Set(list.map((a) => a.id)).size === list.length, {
      message: 'action ids must be unique within an event',
    })
    .optional(),
  /** The raw upstream payload, kept for consumers that want more than the title. */
  data: z
    .unknown()
    .refine((v) => nestingDepth(v, LIMITS.maxDataDepth) <= LIMITS.maxDataDepth, {
      message: `data nests deeper than ${LIMITS.maxDataDepth} levels`,
    })
    .optional(),
});
export type PublishEvent = z.input<typeof publishEventSchema>;

/** The envelope every reader receives. */
export const eventSchema = publishEventSchema.extend({
  /** Relay-assigned, strictly increasing, never reused. */
  seq: z.number().int().positive(),
  tag: z.string().min(1).max(200),
  at: z.string(),
  /** Relay acceptance time, ms since the epoch. */
  ts: z.number().int(),
  /** Who put it in the log: `connector:<name>` or `publisher:<name>`; answers go back there. */
  origin: z.string().max(120).optional(),
});
export type HeraldEvent = z.infer<typeof eventSchema>;
/** An envelope before the log gives it its seq: what the relay encodes and appends. */
export type EnvelopeWithoutSeq = Omit<HeraldEvent, 'seq'>;

export const publishRequestSchema = z.union([
  publishEventSchema,
  z.array(publishEventSchema).min(1).max(500),
]);

export const publishResultSchema = z.object({
  id: producerId,
  seq: z.number().int().positive(),
  duplicate: z.boolean(),
});
export type PublishResult = z.infer<typeof publishResultSchema>;

export const publishResponseSchema = z.object({ results: z.array(publishResultSchema) });
export type PublishResponse = z.infer<typeof publishResponseSchema>;

/** `GET /v1/events`: a page of history. */
export const historyResponseSchema = z.object({
  events: z.array(eventSchema),
  head: z.number().int().nonnegative(),
  /** Pass as `since` to continue; the history is read to its end once `next >= head`. */
  next: z.number().int().nonnegative(),
  epoch: z.string(),
});
export type HistoryResponse = z.infer<typeof historyResponseSchema>;
