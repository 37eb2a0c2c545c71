import { setTimeout as delay } from 'node:timers/promises';

/** One answer to send upstream: where, how to authenticate, what. */
export interface UpstreamRequest {
  url: string;
  /** Headers per attempt (a signature carries the time it was made). */
  headers: (body: string) => Record<string, string>;
  body: unknown;
  /**
   * The status the upstream reports once this answer is done (`resolved`, `approved`). A 409
   * naming it after an attempt that may have gone through means that attempt did.
   */
  expect?: string;
}

/** What the upstream made of it, in the relay's terms. */
export type CallOutcome =
  | { kind: 'done'; status?: string; reply: Record<string, unknown> }
  | { kind: 'decided'; status?: string; by?: string }
  | { kind: 'refused'; httpStatus: number; detail: string }
  | { kind: 'unavailable'; detail: string };

export interface CallOptions {
  /** Per attempt. */
  timeoutMs: number;
  attempts: number;
  /** Before the second attempt; doubles after that. */
  backoffMs: number;
}

export const DEFAULT_CALL: CallOptions = { timeoutMs: 3000, attempts: 3, backoffMs: 250 };

const text = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : undefined);

async function readJson(res: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await res.json();
    return body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * POSTs an answer, trying again (same body, same idempotency key) when the upstream cannot be
 * reached, times out or fails with a 5xx; never when it has answered what it thinks.
 */
export async function callUpstream(
  req: UpstreamRequest,
  idempotencyKey: string,
  options: CallOptions = DEFAULT_CALL,
): Promise<CallOutcome> {
  const body = JSON.stringify(req.body);
  let ambiguous = false;
  let last = 'no attempt made';
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    if (attempt > 0) await delay(options.backoffMs * 2 ** (attempt - 1));
    let res: Response;
    try {
      res = await fetch(req.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          ...req.headers(body),
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      // It may have arrived and been acted on: a 409 on the next attempt is then our own.
      ambiguous = true;
      const e = err as Error;
      last = e.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'unreachable';
      continue;
    }
    const reply = await readJson(res);
    const status = text(reply.status) ?? text(reply.status_after);
    if (res.ok) return { kind: 'done', status, reply };
    if (res.status === 409) {
      if (ambiguous && req.expect !== undefined && status === req.expect)
        return { kind: 'done', status, reply };
      return { kind: 'decided', status, by: text(reply.by) };
    }
    if (res.status >= 500) {
      ambiguous = true;
      last = `answered ${res.status}`;
      continue;
    }
    return {
      kind: 'refused',
      httpStatus: res.status,
      detail: text(reply.error) ?? text(reply.message) ?? `answered ${res.status}`,
    };
  }
  return { kind: 'unavailable', detail: `${last} after ${options.attempts} attempts` };
}
