import {
  actionRequestSchema,
  actionResultSchema,
  type ActionRequest,
  type ActionResult,
} from '@herald/shared';
import { postToRelay } from './relay-fetch';

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
  const post = () =>
    postToRelay(`${relayUrl}/v1/actions`, checked.data, actionResultSchema, { fetchFn, token });
  let reply = await post();
  if (reply.kind === 'unreachable') {
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    reply = await post();
  }
  switch (reply.kind) {
    case 'unreachable':
      return { ok: false, code: 'answer_unreachable' };
    case 'unexpected':
      return unexpected();
    case 'ok':
      return { ok: true, result: reply.data };
  }
  if (!reply.error)
    return reply.status === 401 ? { ok: false, code: 'unauthorized' } : unexpected();
  const { code, status, by } = reply.error;
  return { ok: false, code, ...(status ? { status } : {}), ...(by ? { by } : {}) };
}

function unexpected(): AnswerOutcome {
  return { ok: false, code: 'unexpected_response' };
}
