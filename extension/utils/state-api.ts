import { stateResponseSchema, type StateResponse } from '@herald/shared';
import { postToRelay } from './relay-fetch';

export interface Put {
  key: string;
  value: unknown;
  /** Applies only if the relay still holds this rev of the key (0: absent). */
  ifRev?: number;
}

/**
 * How a `POST /v1/me/state` went. `unauthorized`: the token is no good, stop until the next
 * sign-in. `invalid`: the relay refused these puts as malformed, sending them again cannot help.
 * `retry`: offline, rate-limited or the relay's store is down; `retryAfterMs` when it said.
 */
export type PostOutcome =
  | { ok: true; response: StateResponse }
  | { ok: false; kind: 'unauthorized' | 'invalid' }
  | { ok: false; kind: 'retry'; retryAfterMs?: number };

/** `POST {relayUrl}/v1/me/state`; every failure comes back as an outcome, never as a throw. */
export async function postState(
  relayUrl: string,
  token: string,
  puts: readonly Put[],
  fetchFn: typeof fetch,
): Promise<PostOutcome> {
  const reply = await postToRelay(`${relayUrl}/v1/me/state`, { puts }, stateResponseSchema, {
    fetchFn,
    token,
  });
  switch (reply.kind) {
    case 'ok':
      return { ok: true, response: reply.data };
    case 'unreachable':
    case 'unexpected':
      return { ok: false, kind: 'retry' };
  }
  if (reply.status === 401 || reply.status === 403) return { ok: false, kind: 'unauthorized' };
  if (reply.status === 400) return { ok: false, kind: 'invalid' };
  const seconds = Number(reply.headers.get('retry-after'));
  return {
    ok: false,
    kind: 'retry',
    ...(reply.status === 429 && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
  };
}
