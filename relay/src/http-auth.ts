import type { Request } from 'express';
import { HttpError } from './errors';
import type { AccountStore, Principal } from './store/accounts';

/** Tokens come only from the Authorization header: never from the URL, where they'd be logged. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

export async function requirePrincipal<K extends Principal['kind']>(
  req: Request,
  accounts: AccountStore,
  kind: K,
): Promise<Extract<Principal, { kind: K }>> {
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
  return principal as Extract<Principal, { kind: K }>;
}
