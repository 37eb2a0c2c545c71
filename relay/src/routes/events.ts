import {
  kindFilterSchema,
  LIMITS,
  publishRequestSchema,
  seqParamSchema,
  topicAllowed,
} from '@herald/shared';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { requirePrincipal } from '../http-auth';
import { scanLog } from '../history';
import { ReadFilter } from '../subscriber';

const historyQuerySchema = z.object({
  since: seqParamSchema.default(0),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/, 'expected a whole number from 1 to 1000')
    .transform(Number)
    .pipe(z.number().max(1000))
    .default(100),
  kinds: z.string().optional(),
});

/** `?kinds=a,b` for the command line; the same patterns as the WebSocket's `kinds`. */
export function parseKindsParam(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const kinds = kindFilterSchema.safeParse(value === '' ? [] : value.split(','));
  if (!kinds.success) {
    throw new HttpError('invalid_request', 'bad kinds filter', { issues: kinds.error.issues });
  }
  return kinds.data;
}

export function eventRoutes(ctx: RelayContext): Router {
  const router = Router();
  const json = express.json({ limit: LIMITS.maxPublishBodyBytes });

  router.post('/v1/events', async (req, _res, next) => {
    // Authenticate before reading a megabyte of body from someone who may not publish.
    await requirePrincipal(req, ctx.accounts, 'publisher');
    if (!req.is('application/json')) {
      throw new HttpError('unsupported_media_type', 'send the events as application/json');
    }
    next();
  });

  router.post('/v1/events', json, async (req: Request, res) => {
    const publisher = await requirePrincipal(req, ctx.accounts, 'publisher');
    // The body may have taken a while: once shutdown has begun, nothing new is committed.
    if (ctx.shuttingDown()) throw new HttpError('shutting_down', 'the relay is shutting down');
    const parsed = publishRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new HttpError('invalid_event', 'the body is not a valid event or array of events', {
        issues: parsed.error.issues,
      });
    }
    const events = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    const denied = events.find((e) => !topicAllowed(publisher.topics, e.topic));
    if (denied) {
      throw new HttpError(
        'topic_forbidden',
        `publisher ${publisher.name} may not publish to topic ${denied.topic}`,
      );
    }
    const asking = events.find((e) => e.actions?.length);
    if (asking && !publisher.actionUrl) {
      throw new HttpError(
        'invalid_event',
        `event ${asking.id} declares actions, but publisher ${publisher.name} has no action URL ` +
          'to receive the answers (publisher add --action-url)',
      );
    }
    const results = await ctx.publishing.publish(
      events,
      publisher.name,
      `publisher:${publisher.name}`,
    );
    res.status(202).json({ results });
  });

  router.get('/v1/events', async (req, res) => {
    const reader = await requirePrincipal(req, ctx.accounts, 'session');
    if (!ctx.historyBuckets.take(reader.name)) {
      throw new HttpError('too_many_requests', 'too many history requests; slow down', {
        retryAfterSeconds: 1,
      });
    }
    const q = historyQuerySchema.safeParse(req.query);
    if (!q.success) {
      throw new HttpError('invalid_request', 'bad query', { issues: q.error.issues });
    }
    // The same filter object the live paths use, so history can never show more than they do.
    const filter = new ReadFilter(reader.topics, parseKindsParam(q.data.kinds));
    const { head, epoch } = await ctx.log.position();
    const accepts = (topic: string, kind: string) => filter.accepts(topic, kind);
    const scan = await scanLog(ctx.log, q.data.since, head, accepts, q.data.limit);
    res
      .type('application/json')
      .send(
        `{"events":[${scan.events.join(',')}],"head":${head},` +
          `"next":${scan.next},"epoch":${JSON.stringify(epoch)}}`,
      );
  });

  return router;
}
