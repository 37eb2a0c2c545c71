import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { RelayContext } from './context';
import type { Connector } from './connectors/types';
import { HttpError } from './errors';
import { eventRoutes } from './routes/events';
import { sessionRoutes } from './routes/session';
import { streamRoutes } from './routes/stream';

/**
 * Browser requests must come from an allowed origin (the extension); they get CORS answers.
 * Requests without an Origin (curl, producers) pass: they carry no ambient credentials.
 */
function originGate(ctx: RelayContext): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    if (!ctx.originAllowed(origin)) {
      throw new HttpError('origin_forbidden', `origin ${origin} is not allowed`);
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** body-parser's errors become our codes; anything unknown is a logged 500 with no details. */
function errorHandler(ctx: RelayContext): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err?.type === 'entity.too.large')
      e = new HttpError('payload_too_large', 'the body is over the size limit');
    else if (err?.type === 'entity.parse.failed')
      e = new HttpError('invalid_json', 'the body is not valid JSON');
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      e = new HttpError('unsupported_media_type', 'unsupported body encoding');
    } else {
      ctx.logger.error({ err }, 'unhandled error');
      e = new HttpError('internal', 'internal error');
    }
    ctx.metrics.rejected.inc({ code: e.code });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e.extra.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(e.extra.retryAfterSeconds));
    res.status(e.status).json({
      error: {
        code: e.code,
        message: e.message,
        ...(e.extra.issues && { issues: e.extra.issues }),
      },
    });
  };
}

export function createApp(ctx: RelayContext, connectors: Connector[]) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.use(originGate(ctx));
  app.use((_req, _res, next) => {
    if (ctx.shuttingDown()) throw new HttpError('shutting_down', 'the relay is shutting down');
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({
      status: 'ok',
      epoch: ctx.log.epoch,
      head: ctx.log.head(),
      readers: ctx.fanout.subscribers.size,
      connectors: connectors.map((c) => c.status()),
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  app.use(sessionRoutes(ctx));
  app.use(eventRoutes(ctx));
  app.use(streamRoutes(ctx));
  for (const c of connectors)
    if (c.router) app.use(`/v1/hooks/${encodeURIComponent(c.name)}`, c.router);

  app.use(() => {
    throw new HttpError('not_found', 'no such endpoint');
  });
  app.use(errorHandler(ctx));
  return app;
}
