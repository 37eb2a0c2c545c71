import { describe, expect, it } from 'vitest';
import { CLOSE, HTTP_ERRORS } from '@herald/shared';
import { describeDetail, describeError, describeState } from './messages';

const now = 1_000_000;

describe('status words', () => {
  it('says each state in words, with the wait before the next try', () => {
    expect(describeState({ state: 'signed_out' }, now)).toBe('Signed out');
    expect(describeState({ state: 'connecting' }, now)).toBe('Connecting…');
    expect(describeState({ state: 'connected' }, now)).toBe('Connected');
    expect(describeState({ state: 'reconnecting', retryAt: now + 7_200 }, now)).toBe(
      'Reconnecting in 8 s',
    );
    expect(describeState({ state: 'unreachable', retryAt: now + 3_000 }, now)).toBe(
      'Relay unreachable',
    );
    expect(describeState({ state: 'revoked' }, now)).toBe('Signed out by the relay');
  });

  it('explains why under the status line', () => {
    const detail = describeDetail(
      { state: 'reconnecting', retryAt: now + 2_000, error: `close:${CLOSE.GOING_AWAY}` },
      now,
    );
    expect(detail).toBe('The relay is restarting. Next try in 2 s.');
    expect(describeDetail({ state: 'connected', user: 'ada' }, now)).toBe('Signed in as ada.');
  });
});

describe('error words', () => {
  it('has words for every close code and the login failures', () => {
    for (const code of Object.values(CLOSE)) {
      expect(describeError(`close:${code}`)).not.toMatch(/Something went wrong/);
    }
    for (const code of [
      'invalid_credentials',
      'too_many_attempts',
      'unauthorized',
      'store_unavailable',
      'shutting_down',
    ] as const) {
      expect(HTTP_ERRORS).toHaveProperty(code);
      expect(describeError(code)).not.toMatch(/Something went wrong/);
    }
    expect(describeError('too_many_attempts', { n: 30 })).toBe(
      'Too many attempts, try again in 30 s.',
    );
    expect(describeError('invalid_url')).toMatch(/Not a valid URL/);
    expect(describeError('unreachable')).toMatch(/Relay not reachable/);
  });

  it('an unknown code still reads as a sentence, with the code for a bug report', () => {
    expect(describeError('teapot')).toBe('Something went wrong (teapot).');
  });
});
