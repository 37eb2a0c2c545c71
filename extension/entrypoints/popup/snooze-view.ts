import { matters, snoozedNow } from '../../utils/item-state';
import { describeSnooze } from '../../utils/words';
import type { RecentItem } from '../../utils/storage';
import { el } from './render';

/** The choices under an item; each button's name says what it does out of context. */
export const SNOOZE_CHOICES = [
  { choice: 'hour', text: '1 hour', name: 'Snooze 1 hour' },
  { choice: 'tomorrow', text: 'Tomorrow morning', name: 'Snooze until tomorrow morning' },
  { choice: 'change', text: 'Until it changes', name: 'Snooze until it changes' },
] as const;

/**
 * Under an item: how long it is snoozed and "End snooze", or the snooze choices. Buttons carry
 * `data-snooze`; the list's click handler sends them to the worker.
 */
export function snoozeControls(item: RecentItem, now: number): HTMLElement | undefined {
  if (item.snoozed && snoozedNow(item, now)) {
    return el(
      'div',
      { class: 'snooze', role: 'group', 'aria-label': 'Snooze' },
      el('span', { class: 'snoozed' }, describeSnooze(item.snoozed, now)),
      el(
        'button',
        {
          type: 'button',
          class: 'link',
          'data-snooze': 'off',
          'data-key': `${item.seq}/snooze/off`,
        },
        'End snooze',
      ),
    );
  }
  // An item worth putting away is one that still matters.
  if (!matters(item)) return undefined;
  return el(
    'div',
    { class: 'snooze', role: 'group', 'aria-label': 'Snooze' },
    el('span', { 'aria-hidden': 'true' }, 'Snooze:'),
    ...SNOOZE_CHOICES.map((c) =>
      el(
        'button',
        {
          type: 'button',
          class: 'link',
          'data-snooze': c.choice,
          'aria-label': c.name,
          'data-key': `${item.seq}/snooze/${c.choice}`,
        },
        c.text,
      ),
    ),
  );
}
