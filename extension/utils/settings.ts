import { SETTINGS_KEY, type PersonSettings } from '@herald/shared';
import { isMuted } from './mute';
import { settingsOf, type StateView } from './person-state';
import { getPrefs, kindsFromPrefs, parsePrefs, type Prefs } from './prefs';
import { inQuietHours } from './quiet-hours';
import { getLocal } from './storage';
import { knownZone } from './zoned-time';

/** A sticky item still undecided this long after it arrived is toasted again (0: never). */
export const DEFAULT_REMIND_AFTER_MS = 30 * 60 * 1000;

/** What this browser knew before settings followed the person: toggles (sync) and mute (local). */
export interface DeviceSettings {
  prefs: Prefs;
  muteUntil: number;
}

export async function loadDeviceSettings(): Promise<DeviceSettings> {
  const [prefs, muteUntil] = await Promise.all([getPrefs(), getLocal('muteUntil')]);
  return { prefs, muteUntil };
}

/** The settings document a person starts with on the relay: what this browser had. */
export function seedSettings(device: DeviceSettings, now: number): PersonSettings {
  return {
    toggles: device.prefs,
    ...(device.muteUntil > now ? { muteUntil: device.muteUntil } : {}),
  };
}

/**
 * The settings in force: the person's document (our unsent change, else the relay's), or, before
 * the relay ever had one, what this browser had.
 */
export function effectiveSettings(
  view: StateView,
  device: DeviceSettings,
  now: number,
): PersonSettings {
  return settingsOf(view) ?? seedSettings(device, now);
}

/** Has the relay, or our outbox, a settings document at all? */
export function hasSettings(view: StateView): boolean {
  return SETTINGS_KEY in view.mirror.entries || SETTINGS_KEY in view.outbox;
}

/** A change from the popup over the document; fields this version does not know are kept. */
export function mergeSettings(
  current: PersonSettings,
  patch: Partial<PersonSettings>,
): PersonSettings {
  return { ...current, ...patch };
}

/** The event-type toggles, defaults filling any the document lacks. */
export function prefsOf(settings: PersonSettings): Prefs {
  return parsePrefs(settings.toggles);
}

export function kindsOf(settings: PersonSettings): string[] {
  return kindsFromPrefs(prefsOf(settings));
}

export function remindAfterMs(settings: PersonSettings): number {
  return settings.remindAfterMs ?? DEFAULT_REMIND_AFTER_MS;
}

/** The person's time zone: their quiet hours', else this browser's. */
export function zoneOf(settings: PersonSettings): string {
  return knownZone(settings.quietHours?.timeZone);
}

/**
 * Must a toast stay quiet at `at`? While muted, always; in quiet hours, unless the item waits on
 * the person and they let those break through.
 */
export function quietAt(settings: PersonSettings, at: number, sticky: boolean): boolean {
  if (isMuted(settings.muteUntil, at)) return true;
  if (!inQuietHours(settings.quietHours, at)) return false;
  return !(sticky && settings.quietHours?.stickyBreaksThrough);
}
