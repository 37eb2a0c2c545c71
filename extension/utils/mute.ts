import { tomorrowMorning } from './zoned-time';

export const HOUR_MS = 60 * 60 * 1000;

export type MuteChoice = 'hour' | 'tomorrow' | 'off';

/**
 * When a mute chosen now ends (0: not muted). "Until tomorrow" means 08:00 the next day in the
 * person's time zone, when a working day starts. It is kept in the settings document
 * (settings.ts), so muting in one browser mutes them all.
 */
export function muteUntilFor(choice: MuteChoice, now: number, timeZone: string): number {
  if (choice === 'hour') return now + HOUR_MS;
  return choice === 'tomorrow' ? tomorrowMorning(now, timeZone) : 0;
}

export function isMuted(muteUntil: number | undefined, now: number): boolean {
  return (muteUntil ?? 0) > now;
}
