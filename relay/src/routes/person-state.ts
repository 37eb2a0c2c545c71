import { seqParamSchema, stateRequestSchema } from '@herald/shared';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { authenticate, principalOf } from '../http-auth';
import { parseQuery } from '../http-query';

const stateQuerySchema = z.object({ since: seqParamSchema.default(0) });

/**
 * `GET` and `POST /v1/me/state`: the signed-in person's own state (docs/protocol.md, "Person
 * state"). The name comes from the token, never from the request: nobody reaches anyone else's.
 */
export function personStateRoutes(ctx: RelayContext): Router {
  const router = Router();
  // 100 puts of at most 4 KiB each, with room for their keys.
  const json = express.json({ limit: '512kb' });

  // Before the body parser: a stranger's body is never read.
  const signedIn = authenticate(ctx.accounts, 'session');

  /** The signed-in person's name, within their allowance of state requests. */
  function person(res: Response) {
    const principal = principalOf(res, 'session');
    if (!ctx.stateBuckets.take(principal.name)) {
      throw new HttpError('too_many_requests', 'too many state changes; batch them', {
        retryAfterSeconds: 1,
      });
    }
    return principal.name;
  }

  router.get('/v1/me/state', signedIn, async (req, res) => {
    const name = person(res);
    const { since } = parseQuery(stateQuerySchema, req.query);
    res.json(await ctx.personState.read(name, since));
  });

  router.post('/v1/me/state', signedIn, json, async (req, res) => {
    const name = person(res);
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
