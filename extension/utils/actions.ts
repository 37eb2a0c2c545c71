import { answerFits, topicAllowed, type Action, type User } from '@herald/shared';
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
  const given = tidy(action, value);
  if (!answerFits(action, given)) return { ok: false };
  return given === undefined ? { ok: true } : { ok: true, value: given };
}

/** What the person gave, tidied: no value for a button, the text trimmed, picks in order. */
function tidy(action: Action, value: string | readonly string[] | undefined) {
  switch (action.input) {
    case 'none':
      return undefined;
    case 'text':
      return typeof value === 'string' ? value.trim() : undefined;
    case 'choices':
      return Array.isArray(value)
        ? (action.options ?? []).filter((o) => value.includes(o))
        : undefined;
  }
}

/** "Answer…" → "Answer": the words for a field's label or a verb. */
export function actionLabel(action: Action): string {
  return action.title.replace(/(…|\.\.\.)$/, '').trim() || action.title;
}
