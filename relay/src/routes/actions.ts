import { actionRequestSchema } from '@herald/shared';
import express, { Router } from 'express';
import type { Answering } from '../actions/answering';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { authenticate, principalOf } from '../http-auth';

/** `POST /v1/actions`: a signed-in person answers an event (docs/protocol.md, "Actions"). */
export function actionRoutes(ctx: RelayContext, answering: Answering): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });

  // Authenticated before the body parser: a stranger's body is never read.
  router.post('/v1/actions', authenticate(ctx.accounts, 'session'), json, async (req, res) => {
    const person = principalOf(res, 'session');
    const body = actionRequestSchema.safeParse(req.body);
    if (!body.success) {
      throw new HttpError('invalid_request', 'expected {requestId, seq, eventId, action, value?}', {
        issues: body.error.issues,
      });
    }
    res.json(await answering.answer(person, body.data));
  });
  return router;
}
