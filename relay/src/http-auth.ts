import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from './errors';
import type { AccountStore, Principal } from './store/accounts';

type PrincipalKind = Principal['kind'];
type PrincipalOfKind<K extends PrincipalKind> = Extract<Principal, { kind: K }>;

/** Tokens come only from the Authorization header: never from the URL, where they'd be logged. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/** The request's principal, which must be of `kind`: 401 without a valid token, 403 for the other kind. */
async function requirePrincipal<K extends PrincipalKind>(
  req: Request,
  accounts: AccountStore,
  kind: K,
): Promise<PrincipalOfKind<K>> {
  const token = bearerToken(req);
  if (!token) throw new HttpError('unauthorized', 'missing bearer token');
  const principal = await accounts.authenticate(token);
  if (!principal) throw new HttpError('unauthorized', 'invalid or revoked token');
  if (principal.kind !== kind) {
    throw new HttpError(
      'forbidden',
      kind === 'publisher'
        ? 'this token cannot publish: use a publisher token'
        : 'this token cannot read: sign in as a user',
    );
  }
  return principal as PrincipalOfKind<K>;
}

/**
 * Authenticates once and hands the principal on (read it with `principalOf`): each token check
 * is a hash and a store read. Mounted before a body parser (as `POST /v1/events` does), it
 * refuses a stranger before their body is read.
 */
export function authenticate<K extends PrincipalKind>(
  accounts: AccountStore,
  kind: K,
): RequestHandler {
  return async (req, res, next) => {
    res.locals.principal = await requirePrincipal(req, accounts, kind);
    next();
  };
}

/** The principal `authenticate(accounts, kind)` put on this response, typed by its kind. */
export function principalOf<K extends PrincipalKind>(res: Response, kind: K): PrincipalOfKind<K> {
  const principal = res.locals.principal as Principal | undefined;
  // A route wiring mistake, not a client's: it surfaces as a logged 500.
  if (principal?.kind !== kind) throw new Error(`no ${kind} principal: mount authenticate() first`);
  return principal as PrincipalOfKind<K>;
}
