import { CLOSE } from '@herald/shared';
import type { ConnectionSnapshot } from './storage';

/**
 * Every failure the person may read about, by stable code: HTTP error codes from the relay,
 * WebSocket close codes (as `close:<code>`) and the extension's own codes. The one place for words.
 */
const WORDS: Record<string, string> = {
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
  [`close:${CLOSE.GOING_AWAY}`]: 'The relay is restarting.',
  [`close:${CLOSE.INTERNAL_ERROR}`]: 'The relay had a problem serving us; reconnecting.',
  [`close:${CLOSE.TRY_AGAIN_LATER}`]: 'The relay asked us to come back later.',
  [`close:${CLOSE.MALFORMED}`]: 'The relay did not understand a message.',
  [`close:${CLOSE.UNAUTHORIZED}`]: 'Your session was revoked or has expired. Sign in again.',
  [`close:${CLOSE.ORIGIN_FORBIDDEN}`]:
    'The relay does not accept this extension (allowed origins).',
  [`close:${CLOSE.HELLO_TIMEOUT}`]: 'The relay timed out waiting for us.',
  [`close:${CLOSE.RATE_LIMITED}`]: 'Too many connections; backing off.',
  closed: 'The connection dropped.',
};

export function describeError(code: string, vars: { n?: number } = {}): string {
  const words = WORDS[code] ?? `Something went wrong (${code}).`;
  return words.replace('{n}', String(vars.n ?? '?'));
}

/** The status line: short words a screen reader announces when they change. */
export function describeState(snapshot: ConnectionSnapshot, now: number): string {
  const seconds = Math.max(0, Math.ceil(((snapshot.retryAt ?? now) - now) / 1000));
  switch (snapshot.state) {
    case 'signed_out':
      return 'Signed out';
    case 'revoked':
      return 'Signed out by the relay';
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
  if (snapshot.error && snapshot.state !== 'connected') parts.push(describeError(snapshot.error));
  if (snapshot.state === 'unreachable' || snapshot.state === 'reconnecting') {
    parts.push(seconds > 0 ? `Next try in ${seconds} s.` : 'Trying again…');
  }
  if (snapshot.state === 'connected' && snapshot.user) parts.push(`Signed in as ${snapshot.user}.`);
  return parts.join(' ');
}
