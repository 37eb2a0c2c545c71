import type { RecentItem } from '../../utils/storage';
import { OTHER_SOURCES_LABEL, TOGGLE_GROUPS, type Prefs } from '../../utils/prefs';

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

export function renderRecent(list: HTMLUListElement, items: readonly RecentItem[]): void {
  const focusedTag = (document.activeElement?.closest('li') as HTMLLIElement | null)?.dataset[
    'tag'
  ];
  list.replaceChildren(
    ...items.map((item) => {
      const meta = [when(item), item.source, item.body].filter(Boolean).join(' · ');
      const label = `${item.read ? '' : 'Unread: '}${item.title}${meta ? `. ${meta}` : ''}`;
      const button = el(
        'button',
        { type: 'button', 'aria-label': label },
        el('span', { class: 'title' }, item.title),
        el('span', { class: 'meta' }, meta),
      );
      const li = el('li', { 'data-seq': String(item.seq), 'data-tag': item.tag }, button);
      if (!item.read) li.classList.add('unread');
      return li;
    }),
  );
  if (focusedTag !== undefined) {
    [...list.querySelectorAll('li')]
      .find((li) => li.dataset['tag'] === focusedTag)
      ?.querySelector('button')
      ?.focus();
  }
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
