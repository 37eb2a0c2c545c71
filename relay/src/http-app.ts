import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { RelayContext } from './context';
import type { Connector } from './connectors/types';
import type { Answering } from './actions/answering';
import { HttpError, sendHttpError } from './errors';
import { actionRoutes } from './routes/actions';
import { describeStoreFailure, isStoreFailure } from './store/failure';
import { eventRoutes } from './routes/events';
import { personStateRoutes } from './routes/person-state';
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

/**
 * The one place a request's failure becomes its answer: our codes as they are, body-parser's
 * mapped to ours, a failing store as 503 `store_unavailable`, anything else a 500 `internal`
 * logged once with its stack; counted, then written by `sendHttpError` (errors.ts). The process
 * carries on serving everyone else.
 */
function errorHandler(ctx: RelayContext): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (isStoreFailure(err)) {
      ctx.logger.error(
        { code: 'store_unavailable', path: req.path, err: describeStoreFailure(err) },
        'store failed',
      );
      e = new HttpError('store_unavailable', 'the store is failing; retry later', {
        retryAfterSeconds: 5,
      });
    } else if (err?.type === 'entity.too.large')
      e = new HttpError('payload_too_large', 'the body is over the size limit');
    else if (err?.type === 'entity.parse.failed')
      e = new HttpError('invalid_json', 'the body is not valid JSON');
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      e = new HttpError('unsupported_media_type', 'unsupported body encoding');
    } else {
      ctx.logger.error({ code: 'internal', path: req.path, err }, 'request failed');
      e = new HttpError('internal', 'internal error');
    }
    if (e.code === 'store_unavailable' && e.extra.cause) {
      ctx.logger.error(
        { code: e.code, path: req.path, err: describeStoreFailure(e.extra.cause) },
        'store failed',
      );
    }
    ctx.metrics.rejected.inc({ code: e.code });
    if (ctx.shuttingDown()) res.setHeader('Connection', 'close');
    sendHttpError(res, e);
  };
}

export function createApp(ctx: RelayContext, connectors: Connector[], answering: Answering) {
  const app = express();
  app.disable('x-powered-by');
  // One trusted hop, like clientAddress: `req.ip` is what that proxy saw, never what a client wrote.
  app.set('trust proxy', ctx.config.trustProxy ? 1 : false);
  app.use(originGate(ctx));
  app.use((_req, _res, next) => {
    if (ctx.shuttingDown()) throw new HttpError('shutting_down', 'the relay is shutting down');
    next();
  });

  // 503 whenever the relay cannot accept and serve events, so a load balancer takes it out.
  app.get('/healthz', async (_req, res) => {
    const health = await ctx.health.check();
    const position = await ctx.log.position();
    res.status(health.ok ? 200 : 503).json({
      status: health.ok ? 'ok' : 'unavailable',
      ...(!health.ok && { reason: health.reason }),
      epoch: position.epoch,
      head: position.head,
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
  app.use(actionRoutes(ctx, answering));
  app.use(personStateRoutes(ctx));
  for (const c of connectors)
    if (c.router) app.use(`/v1/hooks/${encodeURIComponent(c.name)}`, c.router);

  app.use(() => {
    throw new HttpError('not_found', 'no such endpoint');
  });
  app.use(errorHandler(ctx));
  return app;
}
