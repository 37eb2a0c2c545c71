import { delayAfter, type BackoffRule } from '@herald/shared';

export const BACKOFF_MIN_MS = 1_000;
export const BACKOFF_MAX_MS = 60_000;

/**
 * Exponential backoff with full jitter: attempt n waits a random time between 1 s and
 * min(60 s, 1 s · 2ⁿ), so a relay restart is not met by every extension at the same instant.
 */
const RECONNECT: BackoffRule = {
  baseMs: BACKOFF_MIN_MS,
  maxMs: BACKOFF_MAX_MS,
  floorMs: BACKOFF_MIN_MS,
  jitter: 'full',
};

/** The wait before reconnecting to the relay after `attempt` failures (shared/src/backoff.ts). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return delayAfter(attempt, RECONNECT, random);
}
