import {
  LIMITS,
  publishRequestSchema,
  seqParamSchema,
  topicAllowed,
  type HistoryResponse,
} from '@herald/shared';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { authenticate, principalOf } from '../http-auth';
import { parseKindsParam, parseQuery } from '../http-query';
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

export function eventRoutes(ctx: RelayContext): Router {
  const router = Router();
  const json = express.json({ limit: LIMITS.maxPublishBodyBytes });

  // Authenticated before the body parser: a megabyte from someone who may not publish is never
  // read. The principal is handed on, not looked up again.
  router.post(
    '/v1/events',
    authenticate(ctx.accounts, 'publisher'),
    (req, _res, next) => {
      if (!req.is('application/json')) {
        throw new HttpError('unsupported_media_type', 'send the events as application/json');
      }
      next();
    },
    json,
    async (req: Request, res) => {
      const publisher = principalOf(res, 'publisher');
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
    },
  );

  router.get('/v1/events', authenticate(ctx.accounts, 'session'), async (req, res) => {
    const reader = principalOf(res, 'session');
    if (!ctx.historyBuckets.take(reader.name)) {
      throw new HttpError('too_many_requests', 'too many history requests; slow down', {
        retryAfterSeconds: 1,
      });
    }
    const q = parseQuery(historyQuerySchema, req.query);
    // The same filter object the live paths use, so history can never show more than they do.
    const filter = new ReadFilter(reader.topics, parseKindsParam(q.kinds));
    const { head, epoch } = await ctx.log.position();
    const accepts = (topic: string, kind: string) => filter.accepts(topic, kind);
    const scan = await scanLog(ctx.log, q.since, head, accepts, q.limit);
    // The events are the log's stored JSON, spliced in as they are; the rest is typed.
    const page: Omit<HistoryResponse, 'events'> = { head, next: scan.next, epoch };
    res
      .type('application/json')
      .send(`{"events":[${scan.events.join(',')}],${JSON.stringify(page).slice(1)}`);
  });

  return router;
}
