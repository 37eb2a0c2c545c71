import { loginResponseSchema, type User } from '@herald/shared';
import { postToRelay } from './relay-fetch';

export type LoginResult =
  | { ok: true; relayUrl: string; token: string; user: User }
  | { ok: false; code: string; retryAfter?: number };

/** `http(s)://host[:port][/prefix]` without a trailing slash, or undefined if it is not one. */
export function normalizeRelayUrl(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const LOOPBACK = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * `insecure_relay_url` when the URL is plain http to a host other than this machine: the
 * password, then the token, would cross the network in the clear. https relays are reached
 * with wss; http on loopback is a developer's own relay.
 */
export function relayUrlWarning(input: string): 'insecure_relay_url' | undefined {
  const url = normalizeRelayUrl(input);
  if (!url) return undefined;
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && !LOOPBACK.test(hostname) ? 'insecure_relay_url' : undefined;
}

/** `POST /v1/login`; every failure comes back as a code for words.ts, never as a throw. */
export async function login(
  relayUrlInput: string,
  username: string,
  password: string,
  fetchFn: typeof fetch = fetch,
): Promise<LoginResult> {
  const relayUrl = normalizeRelayUrl(relayUrlInput);
  if (!relayUrl) return { ok: false, code: 'invalid_url' };
  const reply = await postToRelay(
    `${relayUrl}/v1/login`,
    { username, password },
    loginResponseSchema,
    { fetchFn },
  );
  switch (reply.kind) {
    case 'unreachable':
      return { ok: false, code: 'unreachable' };
    case 'unexpected':
      return { ok: false, code: 'unexpected_response' };
    case 'ok':
      return { ok: true, relayUrl, token: reply.data.token, user: reply.data.user };
  }
  if (reply.status === 429) {
    const retryAfter = Number(reply.headers.get('retry-after'));
    return {
      ok: false,
      code: 'too_many_attempts',
      retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
    };
  }
  const code =
    reply.error?.code ?? (reply.status === 401 ? 'invalid_credentials' : 'unexpected_response');
  return { ok: false, code };
}

/** `POST /v1/logout`: best effort, the local token is forgotten whatever the relay says. */
export async function logout(
  relayUrl: string,
  token: string,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  try {
    await fetchFn(`${relayUrl}/v1/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      credentials: 'omit',
    });
  } catch {
    // Offline: the token stays valid on the relay until it expires or an admin removes it.
  }
}
