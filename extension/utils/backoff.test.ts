import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, BACKOFF_MIN_MS, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('never waits less than 1 s nor more than 60 s, whatever the attempt', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.999, 1]) {
        const d = backoffDelay(attempt, () => r);
        expect(d).toBeGreaterThanOrEqual(BACKOFF_MIN_MS);
        expect(d).toBeLessThanOrEqual(BACKOFF_MAX_MS);
      }
    }
  });

  it('retries the first failure within a second and doubles the ceiling after that', () => {
    expect(backoffDelay(0, () => 1)).toBe(1_000);
    expect(backoffDelay(1, () => 1)).toBe(2_000);
    expect(backoffDelay(3, () => 1)).toBe(8_000);
    expect(backoffDelay(6, () => 1)).toBe(60_000);
  });

  it('spreads retries over the whole window (full jitter), not just near the ceiling', () => {
    expect(backoffDelay(5, () => 0)).toBe(1_000);
    expect(backoffDelay(5, () => 0.5)).toBe(16_500);
  });
});
