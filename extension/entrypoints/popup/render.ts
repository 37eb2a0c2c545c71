import type { Action, User } from '@herald/shared';
import { actionLabel, actionsFor } from '../../utils/actions';
import { displayOrder, snoozedNow } from '../../utils/item-state';
import { describeOutcome, describeSnooze } from '../../utils/words';
import type { RecentItem } from '../../utils/storage';
import { OTHER_SOURCES_LABEL, TOGGLE_GROUPS, type Prefs } from '../../utils/prefs';
import { snoozeControls } from './snooze-view';

/** Builds an element; text always goes in as text, never as HTML (event text is untrusted). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function when(item: RecentItem): string {
  const d = new Date(item.at);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

export interface RecentView {
  /** The signed-in person: their act grant decides which items offer actions. */
  user: User | undefined;
  /** Tags whose answer is on its way: their controls are disabled meanwhile. */
  busy: ReadonlySet<string>;
}

/** Ids that identify a control across re-renders (the same item and action). */
const keyOf = (item: RecentItem, ...rest: (string | number)[]) =>
  [item.seq, ...rest].map(String).join('/');

/**
 * What the person may answer, under the item: a button per plain action, a labelled field and
 * "Send answer" for a typed one, a group of checkboxes and "Send choices" for picks.
 */
function actionControls(item: RecentItem, actions: readonly Action[], busy: boolean): HTMLElement {
  const off = busy ? { disabled: '' } : {};
  const controls = actions.map((a) => {
    const key = keyOf(item, a.id);
    if (a.input === 'none') {
      return el(
        'button',
        { type: 'button', class: 'act', 'data-action': a.id, 'data-key': key, ...off },
        a.title,
      );
    }
    const send = el('button', { type: 'submit', 'data-key': keyOf(item, a.id, 'send'), ...off });
    if (a.input === 'text') {
      const id = `answer-${item.seq}-${a.id}`;
      send.textContent = 'Send answer';
      return el(
        'form',
        { class: 'answer', 'data-action': a.id },
        el('label', { for: id }, actionLabel(a)),
        el('input', {
          id,
          type: 'text',
          name: 'value',
          maxlength: '2000',
          autocomplete: 'off',
          required: '',
          'data-key': key,
          ...off,
        }),
        send,
      );
    }
    send.textContent = 'Send choices';
    return el(
      'form',
      { class: 'answer', 'data-action': a.id },
      el(
        'fieldset',
        {},
        el('legend', {}, actionLabel(a)),
        ...(a.options ?? []).map((option, i) =>
          el(
            'label',
            {},
            el('input', {
              type: 'checkbox',
              value: option,
              'data-key': keyOf(item, a.id, i),
              ...off,
            }),
            ` ${option}`,
          ),
        ),
      ),
      send,
    );
  });
  return el('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' }, ...controls);
}

/** What the person typed, ticked and focused, so a re-render (a new event) keeps it. */
function saveState(list: HTMLUListElement) {
  const inputs = new Map<string, { value: string; checked: boolean }>();
  for (const input of list.querySelectorAll<HTMLInputElement>('input[data-key]')) {
    inputs.set(input.dataset['key'] ?? '', { value: input.value, checked: input.checked });
  }
  const active = document.activeElement as HTMLElement | null;
  const inList = active !== null && list.contains(active);
  return {
    inputs,
    focusedKey: inList ? active.dataset['key'] : undefined,
    focusedTag: inList ? active.closest('li')?.dataset['tag'] : undefined,
    selection:
      active instanceof HTMLInputElement && active.type === 'text'
        ? ([active.selectionStart, active.selectionEnd] as const)
        : undefined,
  };
}

function restoreState(list: HTMLUListElement, saved: ReturnType<typeof saveState>): void {
  for (const input of list.querySelectorAll<HTMLInputElement>('input[data-key]')) {
    const was = saved.inputs.get(input.dataset['key'] ?? '');
    if (!was) continue;
    input.value = was.value;
    input.checked = was.checked;
  }
  if (saved.focusedTag === undefined) return;
  const controls = [...list.querySelectorAll<HTMLElement>('[data-key]')];
  const same = controls.find(
    (c) => !c.hasAttribute('disabled') && c.dataset['key'] === saved.focusedKey,
  );
  // The control went (the item was answered, or replaced): focus stays on the item.
  const target =
    same ??
    [...list.querySelectorAll('li')]
      .find((li) => li.dataset['tag'] === saved.focusedTag)
      ?.querySelector<HTMLElement>('button.item');
  target?.focus();
  if (same instanceof HTMLInputElement && saved.selection) {
    same.setSelectionRange(saved.selection[0], saved.selection[1]);
  }
}

export function renderRecent(
  list: HTMLUListElement,
  items: readonly RecentItem[],
  view: RecentView,
): void {
  const saved = saveState(list);
  const now = Date.now();
  list.replaceChildren(
    ...displayOrder(items).map((item) => {
      const meta = [when(item), item.source, item.body].filter(Boolean).join(' · ');
      const outcome = item.decided ? describeOutcome(item.decided, item.title) : '';
      const snoozed =
        item.snoozed && snoozedNow(item, now) ? describeSnooze(item.snoozed, now) : '';
      const label = [`${item.read ? '' : 'Unread: '}${item.title}`, meta, outcome, snoozed]
        .filter(Boolean)
        .join('. ');
      const button = el(
        'button',
        { type: 'button', class: 'item', 'aria-label': label, 'data-key': `open/${item.tag}` },
        el('span', { class: 'title' }, item.title),
        el('span', { class: 'meta' }, meta),
        ...(outcome ? [el('span', { class: 'outcome' }, outcome)] : []),
      );
      const li = el('li', { 'data-seq': String(item.seq), 'data-tag': item.tag }, button);
      const actions = actionsFor(view.user, item);
      if (actions.length) li.append(actionControls(item, actions, view.busy.has(item.tag)));
      const snooze = snoozeControls(item, now);
      if (snooze) li.append(snooze);
      if (!item.read) li.classList.add('unread');
      return li;
    }),
  );
  restoreState(list, saved);
}

/** The checkboxes, created once; `syncToggles` only updates their state afterwards. */
export function buildToggles(container: HTMLElement, onChange: () => void): void {
  const box = (key: keyof Prefs, label: string) => {
    const input = el('input', { type: 'checkbox', 'data-pref': key });
    input.addEventListener('change', onChange);
    return el('label', {}, input, ` ${label}`);
  };
  container.replaceChildren(
    ...TOGGLE_GROUPS.map((g) =>
      el('fieldset', {}, el('legend', {}, g.legend), ...g.toggles.map((t) => box(t.key, t.label))),
    ),
    el('fieldset', {}, el('legend', {}, 'Other'), box('otherSources', OTHER_SOURCES_LABEL)),
  );
}

export function readToggles(container: HTMLElement): Prefs {
  const prefs = {} as Prefs;
  for (const input of container.querySelectorAll<HTMLInputElement>('input[data-pref]')) {
    prefs[input.dataset['pref'] as keyof Prefs] = input.checked;
  }
  return prefs;
}

export function syncToggles(container: HTMLElement, prefs: Prefs): void {
  for (const input of container.querySelectorAll<HTMLInputElement>('input[data-pref]')) {
    input.checked = prefs[input.dataset['pref'] as keyof Prefs];
  }
}
