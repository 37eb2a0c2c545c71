import { CLOSE, loginRequestSchema } from '@herald/shared';
import express, { Router } from 'express';
import type { RelayContext } from '../context';
import { HttpError } from '../errors';
import { authenticate, principalOf } from '../http-auth';
import { clientAddress } from '../reader-session';

export function sessionRoutes(ctx: RelayContext): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });

  router.post('/v1/login', json, async (req, res) => {
    const body = loginRequestSchema.safeParse(req.body);
    if (!body.success) {
      throw new HttpError('invalid_request', 'expected {username, password}', {
        issues: body.error.issues,
      });
    }
    const { username, password } = body.data;
    const address = clientAddress(req, ctx.config.trustProxy);
    // Counted before the hash, refunded on success: a burst of concurrent guesses gets exactly
    // the allowance evaluated, never as many as arrive before the first failure is recorded.
    const wait = await ctx.signIn.reserve(username, address);
    if (wait > 0) {
      throw new HttpError('too_many_attempts', `too many failed sign-ins; try again in ${wait} s`, {
        retryAfterSeconds: wait,
      });
    }
    let session: Awaited<ReturnType<typeof ctx.accounts.login>>;
    try {
      session = await ctx.accounts.login(username, password);
    } catch (err) {
      // Not the guesser's fault (the store failed): the attempt does not count against them.
      await ctx.signIn.refund(username, address).catch(() => {});
      throw err;
    }
    if (!session) {
      ctx.logger.warn({ user: username, address }, 'sign-in failed');
      throw new HttpError('invalid_credentials', 'wrong username or password');
    }
    await ctx.signIn.succeeded(username, address);
    ctx.logger.info({ user: username, address }, 'signed in');
    res.json({
      token: session.token,
      user: { name: username, topics: session.topics, act: session.act },
    });
  });

  router.post('/v1/logout', authenticate(ctx.accounts, 'session'), async (_req, res) => {
    const principal = principalOf(res, 'session');
    // This relay's readers first, at once; the store then tells every other relay.
    const closed = ctx.fanout.closeWhere(
      (sub) => sub.reader.tokenHash === principal.tokenHash,
      CLOSE.UNAUTHORIZED,
      'signed out',
    );
    await ctx.accounts.revoke(principal.tokenHash);
    ctx.logger.info({ user: principal.name, closed }, 'signed out');
    res.status(204).end();
  });

  return router;
}
