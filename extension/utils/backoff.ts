export const BACKOFF_MIN_MS = 1_000;
export const BACKOFF_MAX_MS = 60_000;

/**
 * Exponential backoff with full jitter: attempt n waits a random time between 1 s and
 * min(60 s, 1 s · 2ⁿ), so a relay restart is not met by every extension at the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(BACKOFF_MIN_MS + r * (ceiling - BACKOFF_MIN_MS));
}
