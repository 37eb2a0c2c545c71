import { z } from 'zod';

/** Every HTTP error body: `{error:{code,message}}` (plus `issues` for schema violations). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.unknown()).optional(),
    /** `already_decided`: the upstream's current status and who decided, when it says. */
    status: z.string().optional(),
    by: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Stable HTTP error codes and their statuses; docs/protocol.md lists them with their meaning. */
export const HTTP_ERRORS = {
  invalid_json: 400,
  invalid_event: 400,
  invalid_request: 400,
  invalid_credentials: 401,
  unauthorized: 401,
  forbidden: 403,
  topic_forbidden: 403,
  origin_forbidden: 403,
  /**
   * Webhooks (`POST /v1/hooks/<name>`): signature wrong, timestamp further off than the hook's
   * `toleranceSeconds`, delivery seen.
   */
  invalid_signature: 401,
  stale_timestamp: 401,
  replayed: 409,
  not_found: 404,
  /** A WebSocket handshake with a method other than GET. */
  method_not_allowed: 405,
  /** Node's HTTP parser timed out waiting for the request's headers or body. */
  request_timeout: 408,
  payload_too_large: 413,
  /** One event whose envelope would not fit in a 64 KiB frame (MAX_FRAME_BYTES). */
  event_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  too_many_requests: 429,
  /** The request's headers are over Node's limit (16 KiB). */
  headers_too_large: 431,
  shutting_down: 503,
  /** The event log or account store failed (disk full, I/O error); retry later. */
  store_unavailable: 503,
  internal: 500,
  /** Actions (`POST /v1/actions`): the person holds no act grant on the event's topic. */
  action_forbidden: 403,
  /** The event declares no such action, or the answer does not fit it (text, choices). */
  invalid_action: 400,
  /** Decided already, here or at the source; the body says the current status and by whom. */
  already_decided: 409,
  /** The same requestId is being performed right now (another tab, another relay). */
  action_in_progress: 409,
  /** The upstream refused the relay's call (its credential, or the item is gone there). */
  upstream_refused: 502,
  /** The upstream did not answer in time, or failed, after retries; nothing was decided. */
  upstream_unavailable: 504,
} as const;
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** WebSocket close codes the relay uses; the extension maps them to words in one table. */
export const CLOSE = {
  /** The relay is stopping: reconnect (to it or another instance) with `since`. */
  GOING_AWAY: 1001,
  /** The relay could not serve this connection (its store failed): reconnect with `since`. */
  INTERNAL_ERROR: 1011,
  /** Slow consumer, or too many connections from one address: back off, then resume with `since`. */
  TRY_AGAIN_LATER: 1013,
  MALFORMED: 4400,
  UNAUTHORIZED: 4401,
  ORIGIN_FORBIDDEN: 4403,
  HELLO_TIMEOUT: 4408,
  RATE_LIMITED: 4429,
} as const;
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/**
 * What a client does after each close code (docs/protocol.md, "Close codes"):
 * - `resume`: reconnect with `since`, under the client's usual backoff;
 * - `back_off`: the relay asked for a pause (overload, too many connections): wait a random
 *   while first, then resume;
 * - `final`: reconnecting cannot help until something changes outside the connection, a new
 *   sign-in (4401) or the relay's allowed origins (4403); stop until then.
 * 4400 stays `resume`: the client's frames are schema-typed, so a 4400 is a relay that does not
 * understand them yet, and an upgraded relay may; the backoff keeps the retries slow.
 */
export type ClosePolicy = 'resume' | 'back_off' | 'final';
export const CLOSE_POLICY = {
  [CLOSE.GOING_AWAY]: 'resume',
  [CLOSE.INTERNAL_ERROR]: 'resume',
  [CLOSE.TRY_AGAIN_LATER]: 'back_off',
  [CLOSE.MALFORMED]: 'resume',
  [CLOSE.UNAUTHORIZED]: 'final',
  [CLOSE.ORIGIN_FORBIDDEN]: 'final',
  [CLOSE.HELLO_TIMEOUT]: 'resume',
  [CLOSE.RATE_LIMITED]: 'back_off',
} as const satisfies Record<CloseCode, ClosePolicy>;

/** The policy for any close code a socket reports; codes the relay never sends resume. */
export function closePolicy(code: number): ClosePolicy {
  return (CLOSE_POLICY as Record<number, ClosePolicy | undefined>)[code] ?? 'resume';
}

/** True for the codes after which a client stops reconnecting (4401, 4403). */
export function isFinalClose(code: number): boolean {
  return closePolicy(code) === 'final';
}
