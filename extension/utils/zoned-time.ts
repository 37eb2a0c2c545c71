/**
 * Wall-clock time in a named zone, with Intl only: quiet hours and "tomorrow morning" are the
 * person's times, which need not be this machine's (a laptop set to UTC, a trip abroad).
 */
export interface WallTime {
  year: number;
  /** 1-12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday. */
  weekday: number;
}

/** The days' short names, Sunday first (index = `weekday`). */
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formats = new Map<string, Intl.DateTimeFormat>();

/** The zone this browser runs in. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone if Intl knows it, else this browser's (a settings document from a newer system). */
export function knownZone(timeZone: string | undefined): string {
  if (!timeZone) return localZone();
  try {
    format(timeZone);
    return timeZone;
  } catch {
    return localZone();
  }
}

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

export function wallTime(ms: number, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of format(timeZone).formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']) % 24,
    minute: Number(parts['minute']),
    weekday: WEEKDAYS.indexOf(parts['weekday'] ?? ''),
  };
}

/**
 * The instant a wall-clock time names in the zone. The zone's offset is read at a first guess and
 * again at the result, which settles it on both sides of a daylight-saving change.
 */
export function fromWallTime(
  w: Pick<WallTime, 'year' | 'month' | 'day' | 'hour' | 'minute'>,
  timeZone: string,
): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const offset = (ms: number) => {
    const t = wallTime(ms, timeZone);
    return (
      Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - Math.floor(ms / 60_000) * 60_000
    );
  };
  const first = asUtc - offset(asUtc);
  return asUtc - offset(first);
}

/** 08:00 on the next day in the zone, when a working day starts: "until tomorrow morning". */
export function tomorrowMorning(now: number, timeZone: string): number {
  const today = wallTime(now, timeZone);
  const next = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  return fromWallTime(
    {
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: 8,
      minute: 0,
    },
    timeZone,
  );
}
