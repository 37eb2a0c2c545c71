import { stateResponseSchema, type StateResponse } from '@herald/shared';

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
  let res: Response;
  try {
    res = await fetchFn(`${relayUrl}/v1/me/state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ puts }),
      credentials: 'omit',
    });
  } catch {
    return { ok: false, kind: 'retry' };
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    const parsed = stateResponseSchema.safeParse(body);
    return parsed.success ? { ok: true, response: parsed.data } : { ok: false, kind: 'retry' };
  }
  if (res.status === 401 || res.status === 403) return { ok: false, kind: 'unauthorized' };
  if (res.status === 400) return { ok: false, kind: 'invalid' };
  const seconds = Number(res.headers.get('retry-after'));
  return {
    ok: false,
    kind: 'retry',
    ...(res.status === 429 && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}),
  };
}
