import { kindSchema, type PublishEvent } from '@herald/shared';
import { z } from 'zod';
import { contentId } from './content-id';
import { BODY_MAX, TITLE_MAX, clip, dotted, humanize } from './text';

/** A JSON-RPC 2.0 notification (a request without an id is one too, by the spec's letter). */
export const rpcNotificationSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});
/** The answer to our subscribe request. */
export const rpcResponseSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number(), z.null()]),
  error: z.looseObject({ code: z.number(), message: z.string() }).optional(),
});

const paramsSchema = z.looseObject({
  id: z
    .union([z.string().min(1).max(150), z.number()])
    .optional()
    .catch(undefined),
  gid: z
    .union([z.string().min(1).max(150), z.number()])
    .optional()
    .catch(undefined),
  name: z.string().max(300).optional().catch(undefined),
  filename: z.string().max(300).optional().catch(undefined),
  error: z
    .union([z.string(), z.looseObject({ message: z.string() })])
    .optional()
    .catch(undefined),
  size: z.number().nonnegative().optional().catch(undefined),
  progress: z.number().optional().catch(undefined),
});
type Params = z.infer<typeof paramsSchema>;

export interface RpcMapOptions {
  name: string;
  topic: string;
  /** Where a click goes (the daemon's web UI); a download's own URL is the file, not a page. */
  link?: string | undefined;
}

/** aria2-style daemons send `[{gid}]`; others send an object. Either way, one object of fields. */
export function rpcParams(params: unknown): Params {
  const first = Array.isArray(params) ? params[0] : params;
  const parsed = paramsSchema.safeParse(first ?? {});
  return parsed.success ? parsed.data : {};
}

/** The download (or other subject) a notification is about, for tags and progress coalescing. */
export function rpcSubject(params: Params): string | undefined {
  const id = params.id ?? params.gid;
  return id === undefined ? undefined : String(id);
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

const TITLES: Record<string, string> = {
  'download.started': 'Downloading',
  'download.complete': 'Downloaded',
  'download.error': 'Download failed',
};

export function mapRpcNotification(
  method: string,
  rawParams: unknown,
  opts: RpcMapOptions,
): PublishEvent {
  const p = rpcParams(rawParams);
  const subject = rpcSubject(p);
  const label = p.name ?? p.filename ?? (subject ? `download ${subject}` : method);
  const failed = method.endsWith('.error');
  const error = typeof p.error === 'string' ? p.error : p.error?.message;
  // `progress` is a percentage (0-100), as the daemons we know send it.
  const progress = p.progress ?? null;
  const kind = method.toLowerCase();
  return {
    id: contentId(`rpc-${opts.name}`, { method, params: rawParams ?? null }),
    topic: opts.topic,
    kind: kindSchema.safeParse(kind).success ? kind : 'rpc.other',
    ...(subject ? { tag: `download:${subject}` } : {}),
    title: clip(
      method.endsWith('.progress') && progress !== null
        ? `${label}: ${Math.round(progress)}%`
        : `${TITLES[method] ?? humanize(method.replace(/\./g, ' '))}: ${label}`,
      TITLE_MAX,
    ),
    body: clip(
      dotted([failed ? error : null, p.size !== undefined ? bytes(p.size) : null]),
      BODY_MAX,
    ),
    ...(opts.link ? { url: opts.link } : {}),
    // A failed download waits on a person (retry, free space); the rest just passes by.
    sticky: failed,
    resolves: false,
    source: opts.name,
    data: { method, params: rawParams ?? null },
  };
}
