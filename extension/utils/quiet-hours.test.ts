import type { QuietHours } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { inQuietHours } from './quiet-hours';
import { fromWallTime, tomorrowMorning, wallTime } from './zoned-time';

const nights = (over: Partial<QuietHours> = {}): QuietHours => ({
  enabled: true,
  from: '22:00',
  to: '07:00',
  days: [0, 1, 2, 3, 4, 5, 6],
  timeZone: 'UTC',
  stickyBreaksThrough: false,
  ...over,
});

// 2026-11-20 is a Friday.
const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('quiet hours', () => {
  it('a window across midnight covers the evening and the next morning, not the day', () => {
    const q = nights();
    expect(inQuietHours(q, utc('2026-11-20T21:59'))).toBe(false);
    expect(inQuietHours(q, utc('2026-11-20T22:00'))).toBe(true);
    expect(inQuietHours(q, utc('2026-11-21T03:00'))).toBe(true);
    expect(inQuietHours(q, utc('2026-11-21T06:59'))).toBe(true);
    expect(inQuietHours(q, utc('2026-11-21T07:00'))).toBe(false);
    expect(inQuietHours(q, utc('2026-11-21T12:00'))).toBe(false);
  });

  it('belongs to the day it starts: Friday night runs into Saturday, Saturday night is not quiet', () => {
    const weekdays = nights({ days: [1, 2, 3, 4, 5] });
    expect(inQuietHours(weekdays, utc('2026-11-21T06:00'))).toBe(true); // Sat morning, from Fri
    expect(inQuietHours(weekdays, utc('2026-11-21T23:00'))).toBe(false); // Sat night
    expect(inQuietHours(weekdays, utc('2026-11-22T06:00'))).toBe(false); // Sun morning
    expect(inQuietHours(weekdays, utc('2026-11-23T06:00'))).toBe(false); // Mon morning: Sun off
    expect(inQuietHours(weekdays, utc('2026-11-23T22:30'))).toBe(true); // Mon night
  });

  it("is read in the schedule's zone, not this machine's", () => {
    const tokyo = nights({ timeZone: 'Asia/Tokyo' }); // UTC+9
    expect(inQuietHours(tokyo, utc('2026-11-20T13:30'))).toBe(true); // 22:30 in Tokyo
    expect(inQuietHours(tokyo, utc('2026-11-20T22:30'))).toBe(false); // 07:30 in Tokyo
    const ny = nights({ timeZone: 'America/New_York', days: [5] }); // Friday nights, UTC-5
    expect(inQuietHours(ny, utc('2026-11-21T03:30'))).toBe(true); // Fri 22:30 in New York
    expect(inQuietHours(ny, utc('2026-11-20T03:30'))).toBe(false); // Thu 22:30 in New York
  });

  it('a same-day window, an off switch, and From = To as the whole day', () => {
    const lunch = nights({ from: '12:00', to: '13:00' });
    expect(inQuietHours(lunch, utc('2026-11-20T12:30'))).toBe(true);
    expect(inQuietHours(lunch, utc('2026-11-20T13:00'))).toBe(false);
    expect(inQuietHours({ ...lunch, enabled: false }, utc('2026-11-20T12:30'))).toBe(false);
    expect(inQuietHours(undefined, utc('2026-11-20T12:30'))).toBe(false);
    const allFriday = nights({ from: '00:00', to: '00:00', days: [5] });
    expect(inQuietHours(allFriday, utc('2026-11-20T15:00'))).toBe(true);
    expect(inQuietHours(allFriday, utc('2026-11-21T15:00'))).toBe(false);
  });

  it('an unknown zone falls back to this browser instead of throwing', () => {
    expect(() => inQuietHours(nights({ timeZone: 'Mars/Olympus' }), 0)).not.toThrow();
  });
});

describe('zoned time', () => {
  it('round-trips wall times, across a daylight-saving change', () => {
    const zone = 'Europe/Paris';
    const before = fromWallTime({ year: 2026, month: 3, day: 28, hour: 8, minute: 0 }, zone);
    const after = fromWallTime({ year: 2026, month: 3, day: 29, hour: 8, minute: 0 }, zone);
    expect(new Date(before).toISOString()).toBe('2026-03-28T07:00:00.000Z');
    expect(new Date(after).toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(wallTime(after, zone)).toMatchObject({ hour: 8, minute: 0, weekday: 0 });
  });

  it('tomorrow morning is 08:00 the next day there, over a month end', () => {
    expect(new Date(tomorrowMorning(utc('2026-11-30T23:00'), 'Asia/Tokyo')).toISOString()).toBe(
      '2026-12-01T23:00:00.000Z',
    );
  });
});
