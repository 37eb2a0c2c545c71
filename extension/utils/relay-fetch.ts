import { errorBodySchema, type ErrorBody } from '@herald/shared';
import type { z } from 'zod';

/**
 * How a JSON `POST` to the relay went, read the same way for every caller (login, the person's
 * state, answers); each maps it to its own codes:
 * - `unreachable`: no answer at all (offline, DNS, connection refused);
 * - `ok`: a 2xx whose body fits the expected schema;
 * - `unexpected`: a 2xx whose body does not;
 * - `refused`: any other status, with the relay's `{error}` body when it sent one.
 */
export type RelayReply<T> =
  | { kind: 'unreachable' }
  | { kind: 'ok'; data: T }
  | { kind: 'unexpected' }
  | { kind: 'refused'; status: number; headers: Headers; error?: ErrorBody['error'] };

export interface RelayPostOptions {
  fetchFn: typeof fetch;
  /** The person's token, sent as Bearer; login has none yet. */
  token?: string;
}

/** `POST {url}` with `body` as JSON and no cookies; never throws. */
export async function postToRelay<T>(
  url: string,
  body: unknown,
  expected: z.ZodType<T>,
  options: RelayPostOptions,
): Promise<RelayReply<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  // Called unbound: the browser's own fetch throws "Illegal invocation" as a method of `options`.
  const { fetchFn } = options;
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      credentials: 'omit',
    });
  } catch {
    return { kind: 'unreachable' };
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    const parsed = expected.safeParse(json);
    return parsed.success ? { kind: 'ok', data: parsed.data } : { kind: 'unexpected' };
  }
  const error = errorBodySchema.safeParse(json);
  return {
    kind: 'refused',
    status: res.status,
    headers: res.headers,
    ...(error.success ? { error: error.data.error } : {}),
  };
}
