import { describe, expect, it } from 'vitest';
import { HOUR_MS, isMuted, muteUntilFor } from './mute';

describe('mute', () => {
  const now = Date.parse('2026-11-23T15:00:00Z');

  it('"1 hour" mutes for exactly an hour', () => {
    const until = muteUntilFor('hour', now, 'UTC');
    expect(isMuted(until, now + HOUR_MS - 1)).toBe(true);
    expect(isMuted(until, now + HOUR_MS)).toBe(false);
  });

  it('"until tomorrow" lasts until 08:00 the next day in the person\'s zone, even late at night', () => {
    const late = Date.parse('2026-11-23T23:30:00Z');
    expect(new Date(muteUntilFor('tomorrow', late, 'UTC')).toISOString()).toBe(
      '2026-11-24T08:00:00.000Z',
    );
    // 23:30 UTC is already 00:30 on the 24th in Paris: tomorrow there is the 25th.
    expect(new Date(muteUntilFor('tomorrow', late, 'Europe/Paris')).toISOString()).toBe(
      '2026-11-25T07:00:00.000Z',
    );
  });

  it('Unmute ends it at once', () => {
    expect(muteUntilFor('off', now, 'UTC')).toBe(0);
    expect(isMuted(0, now)).toBe(false);
    expect(isMuted(undefined, now)).toBe(false);
  });
});
