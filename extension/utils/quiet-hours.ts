import type { QuietHours } from '@herald/shared';
import { knownZone, localZone, wallTime } from './zoned-time';

/** What the popup offers before the person sets anything: off, 22:00-07:00 every day. */
export function defaultQuietHours(): QuietHours {
  return {
    enabled: false,
    from: '22:00',
    to: '07:00',
    days: [0, 1, 2, 3, 4, 5, 6],
    timeZone: localZone(),
    stickyBreaksThrough: true,
  };
}

function minutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Is `now` inside the quiet period, in the schedule's own time zone? A period that crosses
 * midnight (22:00-07:00) belongs to the day it starts: Friday's runs into Saturday morning even
 * when Saturday is not ticked. From = To means the whole day.
 */
export function inQuietHours(quiet: QuietHours | undefined, now: number): boolean {
  if (!quiet?.enabled) return false;
  const t = wallTime(now, knownZone(quiet.timeZone));
  const at = t.hour * 60 + t.minute;
  const from = minutes(quiet.from);
  const to = minutes(quiet.to);
  const startsOn = (day: number) => quiet.days.includes((day + 7) % 7);
  if (from < to) return startsOn(t.weekday) && at >= from && at < to;
  return (startsOn(t.weekday) && at >= from) || (startsOn(t.weekday - 1) && at < to);
}
