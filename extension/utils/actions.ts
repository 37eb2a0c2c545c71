import { topicAllowed, type Action, type User } from '@herald/shared';
import type { RecentItem } from './storage';

/** Chrome shows at most two buttons on a toast. */
export const MAX_TOAST_BUTTONS = 2;

/**
 * The actions this person may take on the item now: its declared ones, when it is still
 * undecided and one of the person's act grants covers its topic (no grant: nothing, anywhere).
 */
export function actionsFor(user: User | undefined, item: RecentItem): Action[] {
  const { actions, topic } = item;
  if (!user || !actions?.length || topic === undefined || item.decided) return [];
  return topicAllowed(user.act, topic) ? actions : [];
}

/**
 * The toast's buttons: the plain (`none`) actions, when there are at most two of them (Accept /
 * Reject, Approve / Deny, a question's two options); a third would be cut off, so then none (the
 * popup offers them all). Answers that need typing or picking are never on a toast.
 */
export function toastButtons(actions: readonly Action[]): Action[] {
  const plain = actions.filter((a) => a.input === 'none');
  return plain.length <= MAX_TOAST_BUTTONS ? plain : [];
}

/** What an answer carries: nothing for `none`, the text for `text`, the picks for `choices`. */
export function answerValue(
  action: Action,
  value: string | readonly string[] | undefined,
): { ok: true; value?: string | string[] } | { ok: false } {
  switch (action.input) {
    case 'none':
      return { ok: true };
    case 'text': {
      const text = typeof value === 'string' ? value.trim() : '';
      return text ? { ok: true, value: text } : { ok: false };
    }
    case 'choices': {
      const options = action.options ?? [];
      const picks = Array.isArray(value) ? options.filter((o) => value.includes(o)) : [];
      return picks.length > 0 ? { ok: true, value: picks } : { ok: false };
    }
  }
}

/** "Answer…" → "Answer": the words for a field's label or a verb. */
export function actionLabel(action: Action): string {
  return action.title.replace(/(…|\.\.\.)$/, '').trim() || action.title;
}
