import { describe, expect, it } from 'vitest';
import { CLOSE, HTTP_ERRORS } from '@herald/shared';
import {
  describeActionFailure,
  describeDetail,
  wordsFor,
  describeOutcome,
  describeState,
} from './words';
import { APPROVAL_ACTIONS } from '../test/events';

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

  it('a refusal (4403) says why and what lifts it, with no next try', () => {
    const refused = { state: 'refused', error: `close:${CLOSE.ORIGIN_FORBIDDEN}` } as const;
    expect(describeState(refused, now)).toBe('Refused by the relay');
    expect(describeDetail(refused, now)).toBe(
      'The relay does not accept this extension (allowed origins). Sign out and in again once the relay allows it.',
    );
  });
});

describe('error words', () => {
  it('has words for every close code and the login failures', () => {
    for (const code of Object.values(CLOSE)) {
      expect(wordsFor(`close:${code}`)).not.toMatch(/Something went wrong/);
    }
    for (const code of [
      'invalid_credentials',
      'too_many_attempts',
      'unauthorized',
      'store_unavailable',
      'shutting_down',
    ] as const) {
      expect(HTTP_ERRORS).toHaveProperty(code);
      expect(wordsFor(code)).not.toMatch(/Something went wrong/);
    }
    expect(wordsFor('too_many_attempts', { n: 30 })).toBe('Too many attempts, try again in 30 s.');
    expect(wordsFor('invalid_url')).toMatch(/Not a valid URL/);
    expect(wordsFor('unreachable')).toMatch(/Relay not reachable/);
  });

  it('an unknown code still reads as a sentence, with the code for a bug report', () => {
    expect(wordsFor('teapot')).toBe('Something went wrong (teapot).');
  });
});

describe('answers in words', () => {
  const approve = APPROVAL_ACTIONS[0];
  const option = { id: 'option-2', title: 'MySQL', input: 'none' } as const;

  it('a failure says what could not be done and why', () => {
    expect(
      describeActionFailure(
        approve,
        { ok: false, code: 'already_decided', status: 'approved', by: 'bob' },
        'agents',
      ),
    ).toBe("Couldn't approve: already approved by bob");
    expect(describeActionFailure(approve, { ok: false, code: 'already_decided' })).toBe(
      "Couldn't approve: already decided",
    );
    expect(
      describeActionFailure(approve, { ok: false, code: 'upstream_unavailable' }, 'agents'),
    ).toBe("Couldn't approve: the agent dashboard is unreachable, still waiting");
    expect(describeActionFailure(option, { ok: false, code: 'upstream_refused' }, 'tracker')).toBe(
      "Couldn't answer: the tracker refused it",
    );
    expect(describeActionFailure(undefined, { ok: false, code: 'teapot' })).toBe(
      "Couldn't answer: something went wrong (teapot)",
    );
  });

  it('has words for every action error code the relay sends', () => {
    for (const code of [
      'action_forbidden',
      'invalid_action',
      'not_found',
      'already_decided',
      'action_in_progress',
      'upstream_refused',
      'upstream_unavailable',
      'too_many_requests',
      'unauthorized',
    ] as const) {
      expect(HTTP_ERRORS).toHaveProperty(code);
      expect(wordsFor(code)).not.toMatch(/Something went wrong|\{/);
    }
    expect(wordsFor('answer_unreachable')).toMatch(/relay is unreachable/);
  });

  it('the outcome drops the subject the list already shows, and says who', () => {
    const decided = { action: 'approve', by: 'alice', message: 'Approved: Bump zod to 4.6', at: 0 };
    expect(describeOutcome(decided, 'Approval needed: Bump zod to 4.6')).toBe('Approved by alice');
    expect(describeOutcome(decided, 'Something else')).toBe('Approved: Bump zod to 4.6 by alice');
  });
});
