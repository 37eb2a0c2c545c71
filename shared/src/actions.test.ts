import { describe, expect, it } from 'vitest';
import { answerFits } from './actions';
import type { Action } from './event';

const button: Action = { id: 'approve', title: 'Approve', input: 'none' };
const text: Action = { id: 'answer', title: 'Answer…', input: 'text' };
const choose: Action = { id: 'choose', title: 'Choose…', input: 'choices', options: ['a', 'b'] };

describe('answerFits', () => {
  it('a button takes no value, a text field some text, choices some of the options', () => {
    expect(answerFits(button, undefined)).toBe(true);
    expect(answerFits(button, 'yes')).toBe(false);
    expect(answerFits(text, 'ship it')).toBe(true);
    expect(answerFits(text, '  ')).toBe(false);
    expect(answerFits(text, ['ship it'])).toBe(false);
    expect(answerFits(choose, ['b', 'a'])).toBe(true);
    expect(answerFits(choose, ['a', 'z'])).toBe(false);
    expect(answerFits(choose, [])).toBe(false);
    expect(answerFits(choose, 'a')).toBe(false);
  });
});
