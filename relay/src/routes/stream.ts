import { seqParamSchema } from '@herald/shared';
import { Router } from 'express';
import { z } from 'zod';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { requirePrincipal } from '../http-auth';
import { resumePoint } from '../resume';
import { HttpStreamSink } from '../sinks';
import { Subscriber } from '../subscriber';
import { parseKindsParam } from './events';

const streamQuerySchema = z.object({
  since: seqParamSchema.optional(),
  epoch: z.string().max(100).optional(),
  kinds: z.string().optional(),
});

/** `GET /v1/stream`: the WebSocket's feed for `curl -N`, as NDJSON or (Accept) SSE. */
export function streamRoutes(ctx: RelayContext): Router {
  const router = Router();

  router.get('/v1/stream', async (req, res) => {
    const principal = requirePrincipal(req, ctx.accounts, 'session');
    const q = streamQuerySchema.safeParse(req.query);
    if (!q.success) throw new HttpError('invalid_request', 'bad query', { issues: q.error.issues });
    const kinds = parseKindsParam(q.data.kinds);
    // EventSource reconnects to the same URL with Last-Event-ID: it wins over `?since=`, or a
    // stream opened with `?since=0` would replay the whole log on every reconnect.
    const lastEventId = seqParamSchema.safeParse(req.headers['last-event-id']);
    const since = lastEventId.success ? lastEventId.data : q.data.since;
    if (!ctx.connectBuckets.take(req.ip ?? 'unknown')) {
      throw new HttpError('too_many_requests', 'too many new connections; back off and retry', {
        retryAfterSeconds: 1,
      });
    }

    const sse = req.accepts(['application/x-ndjson', 'text/event-stream']) === 'text/event-stream';
    const transport = sse ? 'sse' : 'ndjson';
    const point = resumePoint(ctx.log, since, q.data.epoch);
    if (point.gap) ctx.metrics.resumeGaps.inc();
    res.writeHead(200, {
      'Content-Type': sse ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    // express routes HEAD here too. Node discards a HEAD response's writes, so a stream would
    // never even send its headers and would hold a reader no write can ever cut: answer, done.
    if (req.method === 'HEAD') return void res.end();
    req.socket.setNoDelay(true);
    const connected = JSON.stringify({
      event: 'connected',
      head: ctx.log.head(),
      epoch: ctx.log.epoch,
      gap: point.gap,
    });
    res.write(sse ? `event: connected\ndata: ${connected}\n\n` : `${connected}\n`);

    const id = ctx.nextConnectionId();
    const reader = { ...principal, address: req.ip ?? 'unknown' };
    const sub = new Subscriber(reader, new HttpStreamSink(transport, res), point.after, kinds);
    const opened = Date.now();
    ctx.metrics.connections.inc({ transport });
    ctx.logger.info(
      { conn: id, transport, user: reader.name, address: reader.address, since, ...point },
      'connection open',
    );
    res.on('close', () => {
      ctx.fanout.detach(sub);
      ctx.metrics.connections.dec({ transport });
      ctx.logger.info(
        { conn: id, transport, user: reader.name, ms: Date.now() - opened },
        'connection close',
      );
    });
    await ctx.fanout.attach(sub);
  });

  return router;
}
