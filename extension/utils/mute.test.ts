import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { HOUR_MS, isMuted, muteFor, mutedNow, tomorrowMorning } from './mute';

beforeEach(() => fakeBrowser.reset());

describe('mute', () => {
  it('"1 hour" mutes for exactly an hour', async () => {
    const now = Date.parse('2026-11-23T15:00:00Z');
    await muteFor('hour', now);
    expect(await mutedNow(now + HOUR_MS - 1)).toBe(true);
    expect(await mutedNow(now + HOUR_MS)).toBe(false);
  });

  it('"until tomorrow" lasts until 08:00 local time the next day, even late at night', () => {
    const late = new Date(2026, 10, 23, 23, 30).getTime();
    expect(new Date(tomorrowMorning(late))).toEqual(new Date(2026, 10, 24, 8, 0));
    const early = new Date(2026, 10, 23, 0, 10).getTime();
    expect(new Date(tomorrowMorning(early))).toEqual(new Date(2026, 10, 24, 8, 0));
  });

  it('Unmute ends it at once', async () => {
    const now = Date.now();
    await muteFor('tomorrow', now);
    expect(await mutedNow(now)).toBe(true);
    await muteFor('off', now);
    expect(await mutedNow(now)).toBe(false);
    expect(isMuted(0, now)).toBe(false);
  });
});
