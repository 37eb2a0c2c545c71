import { seqParamSchema, stateRequestSchema } from '@herald/shared';
import express, { Router, type Request } from 'express';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { requirePrincipal } from '../http-auth';

/**
 * `GET` and `POST /v1/me/state`: the signed-in person's own state (docs/protocol.md, "Person
 * state"). The name comes from the token, never from the request: nobody reaches anyone else's.
 */
export function personStateRoutes(ctx: RelayContext): Router {
  const router = Router();
  // 100 puts of at most 4 KiB each, with room for their keys.
  const json = express.json({ limit: '512kb' });

  async function person(req: Request) {
    const principal = await requirePrincipal(req, ctx.accounts, 'session');
    if (!ctx.stateBuckets.take(principal.name)) {
      throw new HttpError('too_many_requests', 'too many state changes; batch them', {
        retryAfterSeconds: 1,
      });
    }
    return principal.name;
  }

  router.get('/v1/me/state', async (req, res) => {
    const name = await person(req);
    const since = seqParamSchema.optional().safeParse(req.query.since);
    if (!since.success)
      throw new HttpError('invalid_request', 'since must be a rev: decimal digits');
    res.json(await ctx.personState.read(name, since.data ?? 0));
  });

  router.post('/v1/me/state', json, async (req, res) => {
    const name = await person(req);
    const body = stateRequestSchema.safeParse(req.body);
    if (!body.success) {
      throw new HttpError('invalid_request', 'expected {puts: [{key, value, ifRev?}]}', {
        issues: body.error.issues,
      });
    }
    res.json(await ctx.personState.put(name, body.data.puts, Date.now()));
  });
  return router;
}
