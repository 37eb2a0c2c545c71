import { kindSchema, type PublishEvent } from '@herald/shared';
import { z } from 'zod';
import { contentId } from './content-id';
import { BODY_MAX, TITLE_MAX, clip, dotted, humanize, unixToIso } from './text';

const fieldPath = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dot-separated field path');

export const jobRunnerMappingSchema = z.object({ type: z.literal('job-runner') }).strict();

export const genericMappingSchema = z
  .object({
    type: z.literal('generic'),
    /** Envelope field → dot path into the posted JSON (`build.commit.message`, `items.0.name`). */
    fields: z
      .object({
        id: fieldPath,
        kind: fieldPath,
        title: fieldPath,
        body: fieldPath,
        url: fieldPath,
        tag: fieldPath,
        at: fieldPath,
        sticky: fieldPath,
        resolves: fieldPath,
      })
      .partial()
      .strict(),
    /** Used when a path is absent from the payload (or not mapped at all). */
    defaults: z
      .object({
        kind: kindSchema,
        title: z.string().min(1),
        body: z.string(),
        sticky: z.boolean(),
        resolves: z.boolean(),
      })
      .partial()
      .strict()
      .default({}),
  })
  .strict()
  .refine(
    (m) => m.fields.kind || m.defaults.kind,
    'generic mapping needs fields.kind or defaults.kind',
  )
  .refine(
    (m) => m.fields.title || m.defaults.title,
    'generic mapping needs fields.title or defaults.title',
  );

export const mappingSchema = z.union([
  z.literal('job-runner').transform(() => ({ type: 'job-runner' as const })),
  jobRunnerMappingSchema,
  genericMappingSchema,
]);
export type WebhookMapping = z.infer<typeof mappingSchema>;

export interface MapContext {
  name: string;
  topic: string;
  source: string;
}
/** An envelope, `ignore` (deliberate noise such as progress), or why the item cannot be one. */
export type MapResult = PublishEvent | 'ignore' | { error: string };

const jobSchema = z.looseObject({
  event: z.string().regex(/^job\.[a-z0-9_.-]+$/, 'event must be job.<something>'),
  job_id: z.union([z.string().min(1).max(150), z.number()]).transform(String),
  name: z.string().max(200).optional().catch(undefined),
  url: z
    .url({ protocol: /^https?$/ })
    .optional()
    .catch(undefined),
  at: z
    .union([z.iso.datetime({ offset: true }), z.number()])
    .optional()
    .catch(undefined),
  error: z.string().optional().catch(undefined),
  duration_s: z.number().nonnegative().optional().catch(undefined),
  attempt: z.number().int().optional().catch(undefined),
});

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** job.started / job.completed / job.failed (sticky) share the tag `job:<id>`; progress is ignored. */
function mapJob(item: unknown, ctx: MapContext): MapResult {
  const parsed = jobSchema.safeParse(item);
  if (!parsed.success)
    return {
      error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  const job = parsed.data;
  if (job.event === 'job.progress') return 'ignore';
  const subject = job.name ?? `job ${job.job_id}`;
  const failed = job.event === 'job.failed';
  const word = { 'job.started': 'Started', 'job.completed': 'Completed', 'job.failed': 'Failed' }[
    job.event
  ];
  const at = typeof job.at === 'number' ? unixToIso(job.at) : job.at;
  return {
    id: contentId(`hook-${ctx.name}`, item),
    topic: ctx.topic,
    kind: kindSchema.safeParse(job.event).success ? job.event : 'job.other',
    tag: `job:${job.job_id}`,
    title: clip(`${word ?? humanize(job.event.slice(4))}: ${subject}`, TITLE_MAX),
    body: clip(
      dotted([
        job.attempt && job.attempt > 1 ? `attempt ${job.attempt}` : null,
        job.duration_s !== undefined ? `after ${duration(job.duration_s)}` : null,
        failed ? job.error : null,
      ]),
      BODY_MAX,
    ),
    // A failure waits on a person; start and completion just pass by.
    sticky: failed,
    resolves: false,
    source: ctx.source,
    ...(job.url ? { url: job.url } : {}),
    ...(at ? { at } : {}),
    data: item,
  };
}

function pick(item: unknown, path: string | undefined): unknown {
  if (!path) return undefined;
  let value: unknown = item;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const asText = (v: unknown) =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const asBool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);

function mapGeneric(
  m: z.infer<typeof genericMappingSchema>,
  item: unknown,
  ctx: MapContext,
): MapResult {
  const f = m.fields;
  const title = asText(pick(item, f.title)) ?? m.defaults.title;
  if (!title) return { error: `no title at "${f.title}"` };
  const kind = asText(pick(item, f.kind)) ?? m.defaults.kind;
  if (!kind || !kindSchema.safeParse(kind).success)
    return { error: `no valid kind at "${f.kind}"` };
  const givenId = asText(pick(item, f.id));
  const tag = asText(pick(item, f.tag));
  const url = asText(pick(item, f.url));
  const at = pick(item, f.at);
  const atIso = typeof at === 'number' ? unixToIso(at) : asText(at);
  return {
    id: givenId ? `hook-${ctx.name}-${givenId}`.slice(0, 200) : contentId(`hook-${ctx.name}`, item),
    topic: ctx.topic,
    kind,
    ...(tag ? { tag: tag.slice(0, 200) } : {}),
    title: clip(title, TITLE_MAX),
    body: clip(asText(pick(item, f.body)) ?? m.defaults.body ?? '', BODY_MAX),
    ...(url ? { url } : {}),
    sticky: asBool(pick(item, f.sticky)) ?? m.defaults.sticky ?? false,
    resolves: asBool(pick(item, f.resolves)) ?? m.defaults.resolves ?? false,
    source: ctx.source,
    ...(atIso ? { at: atIso } : {}),
    data: item,
  };
}

export function mapWebhookItem(mapping: WebhookMapping, item: unknown, ctx: MapContext): MapResult {
  return mapping.type === 'job-runner' ? mapJob(item, ctx) : mapGeneric(mapping, item, ctx);
}
