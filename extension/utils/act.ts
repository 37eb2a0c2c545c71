import { actionsFor, answerValue } from './actions';
import { postAction, type AnswerOutcome } from './answer';
import { describeActionFailure } from './words';
import type { Notifier } from './notifier';
import { markDecided, updateRecent } from './recent';
import type { Reply } from './worker-requests';
import { getLocal } from './storage';

export interface ActingOptions {
  notifier: Notifier;
  fetchFn?: typeof fetch;
  now?: () => number;
  requestId?: () => string;
  /** Wait before the one retry after a network failure. */
  retryDelayMs?: number;
}

export interface Answer {
  tag: string;
  action: string;
  /** The typed text (`text`) or the options picked (`choices`). */
  value?: string | string[] | undefined;
}

/** Where the person answered: a toast's button gets its outcome as a toast, the popup in place. */
export type AnsweredFrom = 'toast' | 'popup';

/**
 * Answering an item of the recent list: checks it may be answered, posts it to the relay, then
 * marks it decided and clears its toast, or says what went wrong and leaves it waiting.
 */
export function createActing(options: ActingOptions) {
  const { notifier } = options;
  const now = options.now ?? Date.now;
  const requestId = options.requestId ?? (() => crypto.randomUUID());
  /** Tags being answered right now: a second click does not send a second answer. */
  const inFlight = new Set<string>();

  async function answer(request: Answer, from: AnsweredFrom): Promise<Reply> {
    const [auth, list] = await Promise.all([getLocal('auth'), getLocal('recent')]);
    const item = list.find((i) => i.tag === request.tag);
    const action = item?.actions?.find((a) => a.id === request.action);
    const failed = async (failure: Extract<AnswerOutcome, { ok: false }>): Promise<Reply> => {
      const message = describeActionFailure(action, failure, item?.source);
      if (from === 'toast' && item) {
        await notifier.showOutcome(item.tag, message, item.title);
        await notifier.raiseAgain(item.tag);
      }
      return { ok: false, code: failure.code, message };
    };
    if (!auth) return failed({ ok: false, code: 'unauthorized' });
    if (!item || item.id === undefined) return failed({ ok: false, code: 'not_found' });
    if (item.decided) return failed({ ok: false, code: 'already_decided', by: item.decided.by });
    if (!action) return failed({ ok: false, code: 'invalid_action' });
    if (!actionsFor(auth.user, item).includes(action)) {
      return failed({ ok: false, code: 'action_forbidden' });
    }
    const value = answerValue(action, request.value);
    if (!value.ok) return failed({ ok: false, code: 'empty_answer' });
    if (inFlight.has(item.tag)) return { ok: false, code: 'action_in_progress' };

    inFlight.add(item.tag);
    let outcome: AnswerOutcome;
    try {
      outcome = await postAction(
        auth.relayUrl,
        auth.token,
        {
          requestId: requestId(),
          seq: item.seq,
          eventId: item.id,
          action: action.id,
          ...(value.value !== undefined ? { value: value.value } : {}),
        },
        {
          ...(options.fetchFn ? { fetchFn: options.fetchFn } : {}),
          ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
        },
      );
    } finally {
      inFlight.delete(item.tag);
    }
    if (!outcome.ok) return failed(outcome);

    const { result } = outcome;
    const at = Date.parse(result.at);
    await updateRecent((l) =>
      markDecided(l, item.tag, item.seq, {
        action: result.action,
        by: result.by,
        message: result.message,
        at: Number.isNaN(at) ? now() : at,
      }),
    );
    await notifier.clear(item.tag);
    if (from === 'toast') await notifier.showOutcome(item.tag, result.message, `by ${result.by}`);
    return { ok: true };
  }

  /** A toast's button: the action it stands for, answered with no value. */
  async function fromToastButton(tag: string, index: number): Promise<void> {
    const action = await notifier.buttonAction(tag, index);
    if (action) await answer({ tag, action }, 'toast');
  }

  return { answer, fromToastButton };
}
