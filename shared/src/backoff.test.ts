import { describe, expect, it } from 'vitest';
import { delayAfter, spread, type BackoffRule } from './backoff';

const full: BackoffRule = { baseMs: 1_000, maxMs: 60_000, floorMs: 1_000, jitter: 'full' };
const equal: BackoffRule = { baseMs: 500, maxMs: 30_000, jitter: 'equal' };

describe('delayAfter', () => {
  it('doubles the ceiling per attempt up to the cap, whatever the attempt', () => {
    expect([0, 1, 3, 6, 40, 5_000].map((n) => delayAfter(n, full, () => 1))).toEqual([
      1_000, 2_000, 8_000, 60_000, 60_000, 60_000,
    ]);
    expect([0, 1, 5, 6, 5_000].map((n) => delayAfter(n, equal, () => 1))).toEqual([
      500, 1_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('full jitter spreads over the whole window above the floor', () => {
    expect(delayAfter(5, full, () => 0)).toBe(1_000);
    expect(delayAfter(5, full, () => 0.5)).toBe(16_500);
    expect(delayAfter(5, { ...full, floorMs: undefined }, () => 0)).toBe(0);
  });

  it('equal jitter waits between half the ceiling and the ceiling', () => {
    expect(delayAfter(3, equal, () => 0)).toBe(2_000);
    expect(delayAfter(3, equal, () => 0.5)).toBe(3_000);
    expect(delayAfter(3, equal, () => 1)).toBe(4_000);
  });

  it('holds a random stub outside [0, 1] to the window', () => {
    expect(delayAfter(3, equal, () => -2)).toBe(2_000);
    expect(delayAfter(3, full, () => 7)).toBe(8_000);
  });
});

describe('spread', () => {
  it('gives ms plus or minus the fraction, uniformly', () => {
    expect(spread(60_000, 0.25, () => 0)).toBe(45_000);
    expect(spread(60_000, 0.25, () => 0.5)).toBe(60_000);
    expect(spread(60_000, 0.25, () => 1)).toBe(75_000);
  });
});
