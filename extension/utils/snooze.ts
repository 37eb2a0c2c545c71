import type { Snooze } from '@herald/shared';
import { muteUntilFor } from './mute';

export type SnoozeChoice = 'hour' | 'tomorrow' | 'change' | 'off';

/**
 * The `snooze:<tag>` value for a choice made now on the item with this seq. `testMs` (the
 * end-to-end suite's hook) replaces a timed choice's length; "tomorrow" is 08:00 the next day in
 * the person's time zone; `off` ends a snooze early (until 0).
 */
export function snoozeValue(
  choice: SnoozeChoice,
  seq: number,
  now: number,
  timeZone: string,
  testMs?: number,
): Snooze {
  if (choice === 'change') return { seq, change: true };
  if (choice === 'off') return { seq, until: 0 };
  if (testMs !== undefined) return { seq, until: now + testMs };
  return { seq, until: muteUntilFor(choice, now, timeZone) };
}
