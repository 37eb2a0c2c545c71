import { kindFilterSchema, publishRequestSchema, topicAllowed } from '@herald/shared';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { requirePrincipal } from '../http-auth';
import { ReadFilter } from '../subscriber';

const historyQuerySchema = z.object({
  since: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
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
  const json = express.json({ limit: '1mb' });

  router.post('/v1/events', (req, _res, next) => {
    // Authenticate before reading a megabyte of body from someone who may not publish.
    requirePrincipal(req, ctx.accounts, 'publisher');
    if (!req.is('application/json')) {
      throw new HttpError('unsupported_media_type', 'send the events as application/json');
    }
    next();
  });

  router.post('/v1/events', json, async (req: Request, res) => {
    const publisher = requirePrincipal(req, ctx.accounts, 'publisher');
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
    const results = await ctx.publishing.publish(events, publisher.name);
    res.status(202).json({ results });
  });

  router.get('/v1/events', async (req, res) => {
    const reader = requirePrincipal(req, ctx.accounts, 'session');
    const q = historyQuerySchema.safeParse(req.query);
    if (!q.success) {
      throw new HttpError('invalid_request', 'bad query', { issues: q.error.issues });
    }
    // The same filter object the live paths use, so history can never show more than they do.
    const filter = new ReadFilter(reader.topics, parseKindsParam(q.data.kinds));
    const out: string[] = [];
    let after = q.data.since;
    while (out.length < q.data.limit) {
      const rows = await ctx.log.read(after, 500);
      for (const row of rows) {
        if (out.length < q.data.limit && filter.accepts(row.topic, row.kind)) out.push(row.json);
      }
      const last = rows.at(-1);
      if (!last || rows.length < 500) break;
      after = last.seq;
    }
    res
      .type('application/json')
      .send(`{"events":[${out.join(',')}],"head":${ctx.log.head()},"epoch":"${ctx.log.epoch}"}`);
  });

  return router;
}
