import { describe, expect, it } from 'vitest';
import { CLOSE, CLOSE_POLICY, closePolicy, isFinalClose } from './errors';

describe('close policy', () => {
  it('gives every close code the relay sends a policy', () => {
    for (const code of Object.values(CLOSE)) {
      expect(['resume', 'back_off', 'final']).toContain(CLOSE_POLICY[code]);
    }
  });

  it('stops on a refused token or origin, and on nothing else', () => {
    const final = Object.values(CLOSE).filter(isFinalClose);
    expect(final.sort()).toEqual([CLOSE.UNAUTHORIZED, CLOSE.ORIGIN_FORBIDDEN].sort());
  });

  it('backs off when the relay asks for a pause, and keeps retrying a malformed close', () => {
    expect(closePolicy(CLOSE.TRY_AGAIN_LATER)).toBe('back_off');
    expect(closePolicy(CLOSE.RATE_LIMITED)).toBe('back_off');
    expect(closePolicy(CLOSE.MALFORMED)).toBe('resume');
  });

  it('resumes after a code the relay never sends (an abnormal 1006, a proxy 1012)', () => {
    expect(closePolicy(1006)).toBe('resume');
    expect(closePolicy(1012)).toBe('resume');
    expect(isFinalClose(1006)).toBe(false);
  });
});
