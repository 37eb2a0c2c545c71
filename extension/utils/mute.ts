import { getLocal, setLocal } from './storage';

export const HOUR_MS = 60 * 60 * 1000;

/** "Until tomorrow" means tomorrow morning at 08:00 local time, when a working day starts. */
export function tomorrowMorning(now: number): number {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d.getTime();
}

export function isMuted(muteUntil: number, now: number): boolean {
  return muteUntil > now;
}

export async function muteFor(
  choice: 'hour' | 'tomorrow' | 'off',
  now = Date.now(),
): Promise<number> {
  const until =
    choice === 'hour' ? now + HOUR_MS : choice === 'tomorrow' ? tomorrowMorning(now) : 0;
  await setLocal('muteUntil', until);
  return until;
}

export async function mutedNow(now = Date.now()): Promise<boolean> {
  return isMuted(await getLocal('muteUntil'), now);
}
