import { seqParamSchema } from '@herald/shared';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { streamControlText, type StreamTransport, type Transport } from '../frames';
import { bearerToken } from '../http-auth';
import { parseKindsParam, parseQuery } from '../http-query';
import { clientAddress, ReaderSession } from '../reader-session';
import { HttpStreamSink } from '../sinks';

const streamQuerySchema = z.object({
  since: seqParamSchema.optional(),
  epoch: z.string().max(100).optional(),
  kinds: z.string().optional(),
});

/** NDJSON unless the client asks for SSE. */
function transportOf(req: Request): Transport {
  return req.accepts(['application/x-ndjson', 'text/event-stream']) === 'text/event-stream'
    ? 'sse'
    : 'ndjson';
}

/** `GET /v1/stream`: the WebSocket's feed for `curl -N`, as NDJSON or (Accept) SSE. */
export function streamRoutes(ctx: RelayContext): Router {
  const router = Router();

  router.get('/v1/stream', async (req, res) => {
    const session = ReaderSession.admit(
      ctx,
      transportOf(req),
      clientAddress(req, ctx.config.trustProxy),
    );
    if (!session) {
      throw new HttpError('too_many_requests', 'too many new connections; back off and retry', {
        retryAfterSeconds: 1,
      });
    }
    let sink: HttpStreamSink | undefined;
    res.on('close', () =>
      session.end(sink?.closedWith?.code, sink?.closedWith?.reason ?? 'peer closed'),
    );
    const q = parseQuery(streamQuerySchema, req.query);
    // EventSource reconnects to the same URL with Last-Event-ID: it wins over `?since=`, or a
    // stream opened with `?since=0` would replay the whole log on every reconnect.
    const lastEventId = seqParamSchema.safeParse(req.headers['last-event-id']);
    const opening = {
      token: bearerToken(req),
      since: lastEventId.success ? lastEventId.data : q.since,
      epoch: q.epoch,
      kinds: parseKindsParam(q.kinds),
    };
    const transport = session.transport as StreamTransport;
    const outcome = await session.start(opening, ({ position, point }) => {
      res.writeHead(200, {
        'Content-Type':
          transport === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson',
        'Cache-Control': 'no-cache, no-transform',
        'X-Accel-Buffering': 'no',
        Connection: 'keep-alive',
      });
      // express routes HEAD here too. Node discards a HEAD response's writes, so a stream would
      // never even send its headers and would hold a reader no write can ever cut: answer, done.
      if (req.method === 'HEAD') return void res.end();
      req.socket.setNoDelay(true);
      res.write(
        streamControlText(transport, {
          event: 'connected',
          head: position.head,
          epoch: position.epoch,
          gap: point.gap,
        }),
      );
      return (sink = new HttpStreamSink(transport, res));
    });
    if (outcome === 'unauthorized') {
      throw new HttpError(
        'unauthorized',
        opening.token ? 'invalid or revoked token' : 'missing bearer token',
      );
    }
    if (outcome === 'forbidden') {
      throw new HttpError('forbidden', 'this token cannot read: sign in as a user');
    }
  });

  return router;
}
