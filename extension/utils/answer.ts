import {
  actionRequestSchema,
  actionResultSchema,
  errorBodySchema,
  type ActionRequest,
  type ActionResult,
} from '@herald/shared';

export type AnswerOutcome =
  | { ok: true; result: ActionResult }
  /** `code`: the relay's error code, or `answer_unreachable`, `unexpected_response`, `invalid_action`. */
  | { ok: false; code: string; status?: string; by?: string };

export interface PostActionOptions {
  fetchFn?: typeof fetch;
  /** Wait before the one retry after a network failure. */
  retryDelayMs?: number;
}

/**
 * `POST /v1/actions`. A network failure is retried once with the same requestId (the relay
 * performs a requestId at most once, so the retry cannot answer twice); every failure comes back
 * as a code for words.ts, never as a throw.
 */
export async function postAction(
  relayUrl: string,
  token: string,
  request: ActionRequest,
  options: PostActionOptions = {},
): Promise<AnswerOutcome> {
  const fetchFn = options.fetchFn ?? fetch;
  const checked = actionRequestSchema.safeParse(request);
  if (!checked.success) return { ok: false, code: 'invalid_action' };
  const init: RequestInit = {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(checked.data),
    credentials: 'omit',
  };
  let res: Response;
  try {
    res = await fetchFn(`${relayUrl}/v1/actions`, init);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    try {
      res = await fetchFn(`${relayUrl}/v1/actions`, init);
    } catch {
      return { ok: false, code: 'answer_unreachable' };
    }
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    const result = actionResultSchema.safeParse(body);
    return result.success ? { ok: true, result: result.data } : unexpected();
  }
  const error = errorBodySchema.safeParse(body);
  if (!error.success)
    return res.status === 401 ? { ok: false, code: 'unauthorized' } : unexpected();
  const { code, status, by } = error.data.error;
  return { ok: false, code, ...(status ? { status } : {}), ...(by ? { by } : {}) };
}

function unexpected(): AnswerOutcome {
  return { ok: false, code: 'unexpected_response' };
}
