import { CLOSE, type Action, type CloseCode, type Snooze } from '@herald/shared';
import { actionLabel } from './actions';
import type { AnswerOutcome } from './answer';
import type { ConnectionSnapshot, Decided } from './storage';

/**
 * Every failure the person may read about, by stable code: HTTP error codes from the relay,
 * WebSocket close codes (as `close:<code>`) and the extension's own codes. The one place for words.
 * Each is a sentence; after a failed answer it also reads as the end of "Couldn't approve: …".
 */
const WORDS = {
  invalid_url: 'Not a valid URL: use http://host:port or https://host.',
  insecure_relay_url:
    'This relay is not encrypted (http://): your password and token would cross the network in the clear. Use https:// unless the relay is on this computer.',
  invalid_credentials: 'Wrong username or password.',
  too_many_attempts: 'Too many attempts, try again in {n} s.',
  unreachable: 'Relay not reachable: check the URL and that the relay is running.',
  unexpected_response: 'The relay answered something unexpected.',
  origin_forbidden: 'The relay does not accept this extension (allowed origins).',
  unauthorized: 'Your session was revoked or has expired. Sign in again.',
  stale: 'The relay went quiet; reconnecting.',
  worker_unavailable: 'The extension did not answer. Close this window and try again.',
  invalid_request: 'The extension did not understand that request.',
  store_unavailable: 'The relay cannot reach its storage right now; trying again shortly.',
  shutting_down: 'The relay is restarting.',
  closed: 'The connection dropped.',
  // Answering an item (POST /v1/actions, and the extension's checks before it).
  action_forbidden: 'You may not answer items on this topic.',
  invalid_action: 'The answer does not fit this item.',
  empty_answer: 'Type an answer or pick an option first.',
  not_found: 'The relay no longer has this item.',
  already_decided: 'Already {status}.',
  already_decided_by: 'Already {status} by {by}.',
  action_in_progress: 'The same answer is on its way from elsewhere; wait a moment.',
  upstream_refused: 'The {upstream} refused it.',
  upstream_unavailable: 'The {upstream} is unreachable, still waiting.',
  too_many_requests: 'Too many answers at once; try again in a moment.',
  answer_unreachable: 'The relay is unreachable; try again.',
} satisfies Record<string, string>;

/**
 * A close code that means what an HTTP code means reads the same; a `CLOSE` code without words
 * does not compile.
 */
const CLOSE_WORDS: Record<`close:${CloseCode}`, string> = {
  [`close:${CLOSE.GOING_AWAY}` as const]: WORDS.shutting_down,
  [`close:${CLOSE.INTERNAL_ERROR}` as const]: 'The relay had a problem serving us; reconnecting.',
  [`close:${CLOSE.TRY_AGAIN_LATER}` as const]: 'The relay asked us to come back later.',
  [`close:${CLOSE.MALFORMED}` as const]: 'The relay did not understand a message.',
  [`close:${CLOSE.UNAUTHORIZED}` as const]: WORDS.unauthorized,
  [`close:${CLOSE.ORIGIN_FORBIDDEN}` as const]: WORDS.origin_forbidden,
  [`close:${CLOSE.HELLO_TIMEOUT}` as const]: 'The relay timed out waiting for us.',
  [`close:${CLOSE.RATE_LIMITED}` as const]: 'Too many connections; backing off.',
};

const WORDS_BY_CODE: Readonly<Record<string, string>> = { ...WORDS, ...CLOSE_WORDS };

/** What an event's `source` is called in words ("the tracker is unreachable"). */
const UPSTREAMS: Record<string, string> = {
  tracker: 'tracker',
  agents: 'agent dashboard',
};

interface WordVars {
  n?: number | undefined;
  status?: string | undefined;
  by?: string | undefined;
  source?: string | undefined;
}

/** The sentence for a stable code, with its blanks filled; an unknown code still reads as one. */
export function wordsFor(code: string, vars: WordVars = {}): string {
  const words = WORDS_BY_CODE[code] ?? `Something went wrong (${code}).`;
  return words
    .replace('{n}', String(vars.n ?? '?'))
    .replace('{status}', vars.status ?? 'decided')
    .replace('{by}', vars.by ?? 'someone')
    .replace('{upstream}', UPSTREAMS[vars.source ?? ''] ?? 'system it came from');
}

/** "approve" for Approve, "answer" for a question's option, typed text or picks. */
function verb(action: Action | undefined): string {
  if (!action || action.input !== 'none' || /^option-\d+$/.test(action.id)) return 'answer';
  return actionLabel(action).toLowerCase();
}

/** "Couldn't approve: already approved by bob", for the toast and the popup's alert. */
export function describeActionFailure(
  action: Action | undefined,
  failure: Extract<AnswerOutcome, { ok: false }>,
  source?: string,
): string {
  const code =
    failure.code === 'already_decided' && failure.by ? 'already_decided_by' : failure.code;
  const sentence = wordsFor(code, { ...failure, source });
  const words = /^[A-Z][a-z]/.test(sentence)
    ? sentence[0]?.toLowerCase() + sentence.slice(1)
    : sentence;
  return `Couldn't ${verb(action)}: ${words.replace(/\.$/, '')}`;
}

/**
 * "Approved by alice": the outcome's message ("Approved: Bump zod to 4.6") without the item's
 * subject, which the list shows already, and who decided. Other messages are kept whole.
 */
export function describeOutcome(decided: Decided, title: string): string {
  const colon = title.indexOf(': ');
  const subject = colon >= 0 ? title.slice(colon + 2) : title;
  const suffix = `: ${subject}`;
  const what =
    decided.message.endsWith(suffix) && decided.message.length > suffix.length
      ? decided.message.slice(0, -suffix.length)
      : decided.message;
  return `${what} by ${decided.by}`;
}

/** The status line: short words a screen reader announces when they change. */
export function describeState(snapshot: ConnectionSnapshot, now: number): string {
  const seconds = Math.max(0, Math.ceil(((snapshot.retryAt ?? now) - now) / 1000));
  switch (snapshot.state) {
    case 'signed_out':
      return 'Signed out';
    case 'revoked':
      return 'Signed out by the relay';
    case 'refused':
      return 'Refused by the relay';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return seconds > 0 ? `Reconnecting in ${seconds} s` : 'Reconnecting…';
    case 'unreachable':
      return 'Relay unreachable';
  }
}

/** The line under the status: why we are not connected, and when the next try is. */
export function describeDetail(snapshot: ConnectionSnapshot, now: number): string {
  const seconds = Math.max(0, Math.ceil(((snapshot.retryAt ?? now) - now) / 1000));
  const parts: string[] = [];
  if (snapshot.error && snapshot.state !== 'connected') parts.push(wordsFor(snapshot.error));
  // Only a sign-in lifts a refusal (connection.ts): say so, with no "next try".
  if (snapshot.state === 'refused') parts.push('Sign out and in again once the relay allows it.');
  if (snapshot.state === 'unreachable' || snapshot.state === 'reconnecting') {
    parts.push(seconds > 0 ? `Next try in ${seconds} s.` : 'Trying again…');
  }
  if (snapshot.state === 'connected' && snapshot.user) parts.push(`Signed in as ${snapshot.user}.`);
  return parts.join(' ');
}

/** "Snoozed until 14:05" (today), "Snoozed until Tue 08:00" (later), "Snoozed until it changes". */
export function describeSnooze(snooze: Snooze, now: number): string {
  if (!('until' in snooze)) return 'Snoozed until it changes';
  const until = new Date(snooze.until);
  const time = until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const sameDay = until.toDateString() === new Date(now).toDateString();
  const day = sameDay ? '' : `${until.toLocaleDateString([], { weekday: 'short' })} `;
  return `Snoozed until ${day}${time}`;
}
