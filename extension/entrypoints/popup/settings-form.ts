import type { PersonSettings, QuietHours } from '@herald/shared';
import { defaultQuietHours } from '../../utils/quiet-hours';
import { remindAfterMs } from '../../utils/settings';
import { WEEKDAYS, localZone } from '../../utils/zoned-time';
import { el } from './render';

export interface SettingsForm {
  /** Shows the document's quiet hours and reminder interval (not while the person edits). */
  sync(settings: PersonSettings): void;
}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`popup markup lacks #${id}`);
  return node as T;
}

/**
 * The quiet-hours schedule and the reminder interval. Each change sends the part it touched as a
 * settings change (the worker merges it into the person's document); the times are the person's,
 * in this browser's time zone when they set them.
 */
export function buildSettingsForm(
  send: (patch: Partial<PersonSettings>) => Promise<void>,
): SettingsForm {
  const enabled = byId<HTMLInputElement>('quiet-enabled');
  const from = byId<HTMLInputElement>('quiet-from');
  const to = byId<HTMLInputElement>('quiet-to');
  const days = byId<HTMLFieldSetElement>('quiet-days');
  const breaks = byId<HTMLInputElement>('quiet-break');
  const zone = byId('quiet-zone');
  const remind = byId<HTMLSelectElement>('remind-after');
  const dayBoxes = WEEKDAYS.map((name, day) => {
    const box = el('input', { type: 'checkbox', value: String(day) });
    days.append(el('label', {}, box, ` ${name}`));
    return box;
  });
  /** Changes sent and not yet back from storage: the controls are ahead of it meanwhile. */
  let writes = 0;

  function quietHours(): QuietHours | undefined {
    // A half-typed time is not sent: the schedule stays as it was until it reads HH:MM.
    if (!/^\d\d:\d\d$/.test(from.value) || !/^\d\d:\d\d$/.test(to.value)) return undefined;
    return {
      enabled: enabled.checked,
      from: from.value,
      to: to.value,
      days: dayBoxes.filter((b) => b.checked).map((b) => Number(b.value)),
      timeZone: localZone(),
      stickyBreaksThrough: breaks.checked,
    };
  }

  function write(patch: Partial<PersonSettings>): void {
    writes++;
    void send(patch).finally(() => {
      writes--;
    });
  }

  for (const control of [enabled, from, to, breaks, ...dayBoxes]) {
    control.addEventListener('change', () => {
      const quiet = quietHours();
      if (quiet) write({ quietHours: quiet });
    });
  }
  remind.addEventListener('change', () => write({ remindAfterMs: Number(remind.value) }));

  return {
    sync(settings) {
      if (writes > 0) return;
      const quiet = settings.quietHours ?? defaultQuietHours();
      enabled.checked = quiet.enabled;
      // Any change to the person's state re-renders: a time being typed is left alone.
      if (document.activeElement !== from) from.value = quiet.from;
      if (document.activeElement !== to) to.value = quiet.to;
      for (const box of dayBoxes) box.checked = quiet.days.includes(Number(box.value));
      breaks.checked = quiet.stickyBreaksThrough;
      zone.textContent = `Times in ${quiet.timeZone}.`;
      const ms = String(remindAfterMs(settings));
      // An interval set elsewhere that the menu lacks is shown as an extra choice, not lost.
      if (![...remind.options].some((o) => o.value === ms)) {
        const n = Number(ms);
        const words = n < 60_000 ? `${n / 1000} s` : `${Math.round(n / 60_000)} min`;
        remind.append(el('option', { value: ms }, words));
      }
      remind.value = ms;
    },
  };
}
