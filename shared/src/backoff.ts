/**
 * The one reconnect rule both ends follow: the extension to its relay, the relay's connectors to
 * their upstreams. Exponential: attempt n's ceiling is min(maxMs, baseMs · 2ⁿ), with n capped
 * at 20 so the power stays finite. Jittered so that a fleet restarted together does not come
 * back in lockstep; the jitter is explicit because the two ends spread differently:
 * - `full`: uniform between `floorMs` and the ceiling (the extension: a restarted relay is met by
 *   its browsers spread over the whole window, yet never sooner than the floor);
 * - `equal`: uniform between half the ceiling and the ceiling (the connectors: each wait still
 *   grows, docs/connectors.md "50-100 %").
 * Pure: the caller passes `random` (tests pin it) and owns the attempt count.
 */
export interface BackoffRule {
  /** The ceiling of the first attempt (attempt 0). */
  baseMs: number;
  maxMs: number;
  jitter: 'full' | 'equal';
  /** `full` only: the shortest wait (default 0). */
  floorMs?: number;
}

const MAX_DOUBLINGS = 20;

/** The wait before the next try after `attempt` failures in a row, in whole milliseconds. */
export function delayAfter(
  attempt: number,
  rule: BackoffRule,
  random: () => number = Math.random,
): number {
  const doublings = Math.min(Math.max(0, attempt), MAX_DOUBLINGS);
  const ceiling = Math.min(rule.maxMs, rule.baseMs * 2 ** doublings);
  const r = unit(random);
  const lowest = rule.jitter === 'equal' ? ceiling / 2 : Math.min(rule.floorMs ?? 0, ceiling);
  return Math.round(lowest + r * (ceiling - lowest));
}

/** `ms` give or take `fraction` of it, uniformly (a slow retry that is not in lockstep either). */
export function spread(ms: number, fraction: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - fraction + 2 * fraction * unit(random)));
}

/** `random()` held to [0, 1], so a stub outside it cannot make a wait negative or past the cap. */
function unit(random: () => number): number {
  return Math.min(Math.max(random(), 0), 1);
}
