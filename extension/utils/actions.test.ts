import { describe, expect, it } from 'vitest';
import type { Action } from '@herald/shared';
import { actionLabel, actionsFor, answerValue, toastButtons } from './actions';
import { toRecentItem } from './recent';
import { APPROVAL_ACTIONS, approval, proposed } from '../test/events';

const alice = { name: 'alice', topics: ['**'], act: ['agents/*'] };
const option = (n: number): Action => ({ id: `option-${n}`, title: `Option ${n}`, input: 'none' });
const text: Action = { id: 'answer', title: 'Answer…', input: 'text' };
const choose: Action = { id: 'choose', title: 'Choose…', input: 'choices', options: ['a', 'b'] };

describe('who may act', () => {
  it('a grant covering the topic offers the declared actions', () => {
    expect(actionsFor(alice, toRecentItem(approval(1, 'A')))).toEqual(APPROVAL_ACTIONS);
  });

  it('no grant (or one for other topics) offers nothing, nor does an event without actions', () => {
    const item = toRecentItem(approval(1, 'A'));
    expect(actionsFor({ ...alice, act: [] }, item)).toEqual([]);
    expect(actionsFor({ ...alice, act: ['tickets'] }, item)).toEqual([]);
    expect(actionsFor(undefined, item)).toEqual([]);
    expect(actionsFor({ ...alice, act: ['**'] }, toRecentItem(proposed(2, 'T')))).toEqual([]);
  });

  it('a decided item offers nothing more', () => {
    const item = toRecentItem(approval(1, 'A'));
    const decided = { action: 'approve', by: 'bob', message: 'Approved: x', at: 0 };
    expect(actionsFor(alice, { ...item, decided })).toEqual([]);
  });
});

describe('toast buttons', () => {
  it('the plain actions, when there are at most two', () => {
    expect(toastButtons(APPROVAL_ACTIONS).map((a) => a.title)).toEqual(['Approve', 'Deny']);
    expect(toastButtons([option(1), option(2), text]).map((a) => a.id)).toEqual([
      'option-1',
      'option-2',
    ]);
  });

  it('three options or more, or only typed and picked answers: no buttons', () => {
    expect(toastButtons([option(1), option(2), option(3), text])).toEqual([]);
    expect(toastButtons([choose, text])).toEqual([]);
  });
});

describe('answer values', () => {
  it('none carries nothing, text the trimmed text, choices the picks in the declared order', () => {
    expect(answerValue(option(1), 'ignored')).toEqual({ ok: true });
    expect(answerValue(text, '  Postgres ')).toEqual({ ok: true, value: 'Postgres' });
    expect(answerValue(choose, ['b', 'a', 'zzz'])).toEqual({ ok: true, value: ['a', 'b'] });
  });

  it('an empty text or no pick is no answer', () => {
    expect(answerValue(text, '   ')).toEqual({ ok: false });
    expect(answerValue(text, undefined)).toEqual({ ok: false });
    expect(answerValue(choose, [])).toEqual({ ok: false });
    expect(answerValue(choose, 'a')).toEqual({ ok: false });
  });

  it('labels drop the ellipsis of a title that opens a field', () => {
    expect(actionLabel(text)).toBe('Answer');
    expect(actionLabel(APPROVAL_ACTIONS[0] as Action)).toBe('Approve');
  });
});
