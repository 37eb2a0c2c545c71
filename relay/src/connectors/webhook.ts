import { publishEventSchema, type HttpErrorCode, type PublishEvent } from '@herald/shared';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { HttpError, sendHttpError } from '../errors';
import {
  connectorNameSchema,
  credentialSchema,
  readCredential,
  topicSchema,
} from './config-common';
import { ConnectorStats } from './stats';
import type { Connector, ConnectorContext } from './types';
import { mapWebhookItem, mappingSchema } from './webhook-mappings';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookVerifier } from './webhook-signature';

export const webhookConfigSchema = z
  .object({
    type: z.literal('webhook'),
    /** Deliveries go to `POST /v1/hooks/<name>`. */
    name: connectorNameSchema,
    secret: credentialSchema,
    /** Every event from this hook lands on this topic: the secret grants nothing else. */
    topic: topicSchema,
    mapping: mappingSchema,
    source: z.string().min(1).max(100).optional(),
    toleranceSeconds: z.number().int().positive().max(3600).default(300),
  })
  .strict();
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

const bodySchema = z.union([
  z.record(z.string(), z.unknown()),
  z.array(z.record(z.string(), z.unknown())).min(1).max(500),
]);

/**
 * Receives signed deliveries from producers that cannot hold a relay token (a job runner, a
 * script). The router parses its own raw body: the signature covers the exact bytes sent.
 */
export function createWebhookConnector(cfg: WebhookConfig, ctx: ConnectorContext): Connector {
  const logger = ctx.logger.child({ connector: cfg.name, type: 'webhook' });
  const stats = new ConnectorStats(cfg.name, 'webhook', ctx.registry);
  const verifier = new WebhookVerifier(cfg.toleranceSeconds);
  const mapCtx = { name: cfg.name, topic: cfg.topic, source: cfg.source ?? cfg.name };
  let accepting = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  /** A delivery refused (by this hook or by the relay's publish): counted, logged, answered. */
  const refuse = (res: Response, e: HttpError) => {
    stats.skipped();
    stats.error(`${e.code}: ${e.message}`);
    logger[e.status >= 500 ? 'error' : 'warn'](
      { code: e.code, reason: e.message },
      'webhook delivery rejected',
    );
    sendHttpError(res, e);
  };
  const reject = (res: Response, code: HttpErrorCode, message: string, issues?: unknown[]) =>
    refuse(res, new HttpError(code, message, { issues }));

  const handle = async (req: Request, res: Response) => {
    if (!accepting) {
      return sendHttpError(
        res,
        new HttpError('shutting_down', 'this hook is not accepting deliveries'),
      );
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const secret = readCredential(cfg.secret);
    const verified = verifier.verify(
      secret,
      req.get(TIMESTAMP_HEADER),
      req.get(SIGNATURE_HEADER),
      raw,
    );
    if ('code' in verified) return reject(res, verified.code, verified.message);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      return reject(res, 'invalid_json', 'body is not JSON');
    }
    const body = bodySchema.safeParse(parsed);
    if (!body.success)
      return reject(
        res,
        'invalid_event',
        'body must be a JSON object or an array of 1-500 objects',
      );
    const items = Array.isArray(body.data) ? body.data : [body.data];
    const events: PublishEvent[] = [];
    const issues: string[] = [];
    let ignored = 0;
    items.forEach((item, i) => {
      const mapped = mapWebhookItem(cfg.mapping, item, mapCtx);
      if (mapped === 'ignore') return void (ignored += 1);
      if ('error' in mapped) return void issues.push(`item ${i}: ${mapped.error}`);
      const check = publishEventSchema.safeParse(mapped);
      if (!check.success)
        return void issues.push(
          `item ${i}: ${check.error.issues.map((x) => x.message).join('; ')}`,
        );
      events.push(mapped);
    });
    // All or nothing: a producer fixing one bad item re-sends the batch, and ids keep that idempotent.
    if (issues.length > 0)
      return reject(res, 'invalid_event', 'some items do not fit the mapping', issues);
    for (let i = 0; i < ignored; i++) stats.coalesced();
    const results = events.length > 0 ? await ctx.publish(events) : [];
    verified.remember();
    stats.published(results.filter((r) => !r.duplicate).length);
    res.status(202).json({ results, ignored });
  };

  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
    inFlight += 1;
    handle(req, res)
      .catch(next)
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
  });
  // The router answers its own failures instead of leaving them to the app's error handler: its
  // body-parser errors keep the webhook's answers (400 `invalid_json` for a body it could not
  // read, where the app says 415), a failed delivery is counted in this hook's stats, and the
  // router stays whole on its own (webhook.test.ts mounts it on a bare express app).
  router.use((err: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    // The relay's own refusal (`event_too_large`, `store_unavailable`) keeps its status: a 500
    // "retry later" would have a producer retry an event that can never fit, forever.
    if (err instanceof HttpError) return refuse(res, err);
    if (err.type === 'entity.too.large')
      return reject(res, 'payload_too_large', 'body larger than 1 MiB');
    if (err.type?.startsWith('encoding.') || err.type === 'request.aborted') {
      return reject(res, 'invalid_json', 'body could not be read');
    }
    stats.error(`internal: ${err.message}`);
    logger.error({ err: err.message }, 'webhook delivery failed');
    sendHttpError(res, new HttpError('internal', 'the delivery could not be stored; retry later'));
  });

  return {
    name: cfg.name,
    router,
    start() {
      accepting = true;
      stats.setConnected(true);
    },
    async stop() {
      accepting = false;
      stats.setConnected(false);
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    },
    status: () => stats.status(),
  };
}
